// Differences from tshark 4.0 that we keep on purpose, read by the field
// sweep (sweep-fields.ts): each names the field (or a pattern), optionally
// the captures and the shape of the difference it covers, and why.
// Anything not covered here is a bug to fix in the dissector.

export interface Justification {
  field: string | RegExp;
  reason: string;
  /** only on these captures (file names) */
  captures?: string[];
  /** only differences of this shape */
  when?: (tshark: string, ours: string) => boolean;
  /** a known difference not fixed yet (not a quirk we keep): the sweep reports these apart */
  open?: boolean;
}

/**
 * tshark 4.0 shows pcapng Custom Blocks as frames (protocol "data", no
 * timestamp), which shifts its frame numbers; they are not packets and our
 * reader does not return them (oracle.test.ts, SOURCES.md).
 */
export const TSHARK_EXTRA_FRAMES: Record<string, number[]> = { 'gopacket-le-test202.pcapng': [1, 7, 10] };

/** The record's fraction is >= 1 s (a damaged file): tshark does its time arithmetic on the raw fields. */
const RAW_TIME = ['tcpdump-timestamp_invalid_nano.pcap'];
/** X.509 contents and MIME multipart parts are not decoded (oracle.test.ts) */
const X509 = /^(x509|pkix|pkcs)/;

export const JUSTIFIED: Justification[] = [
  { field: /^frame\.time(_relative|_delta|_delta_displayed)?$/, captures: RAW_TIME, reason: 'damaged fraction: tshark computes on the raw record fields' },
  { field: /^tcp\.analysis\.(ack_rtt|initial_rtt)$/, captures: RAW_TIME, reason: 'damaged fraction: tshark computes on the raw record fields' },
  {
    field: 'frame.protocols', reason: 'X.509 certificate contents are not decoded (x509sat, x509ce, pkix*): ours stops before them',
    when: (t, o) => { const p = t.split(':'); const i = p.findIndex((x) => X509.test(x)); return i > 0 && o === p.slice(0, i).join(':'); },
  },
  {
    field: /^(frame\.protocols|media|data|data\.(data|len))$/, captures: ['zeek-ctu-62604-80.pcap'],
    reason: 'the parts of a MIME multipart body are not decoded',
  },
  {
    field: 'ip.fragment', captures: ['zeek-fragmented-4.pcap'],
    reason: 'a fragment completely overlapped by a later one: tshark leaves it out of the list (and orders by offset); we list every fragment used',
  },
  {
    field: /^(frame(\.number|\.time_relative|\.time_delta|\.time_delta_displayed)?|udp\.time_(relative|delta))$/, captures: ['gopacket-le-test202.pcapng'],
    reason: 'tshark 4.0 numbers the pcapng Custom Blocks as frames and times later frames from their zero timestamps (a Simple Packet Block has none: tshark counts it from 0, we give no time)',
  },
  {
    field: 'frame.interface_id', captures: ['gopacket-le-test202.pcapng'], open: true,
    reason: 'a pcapng file of several sections: tshark numbers interfaces within each section, our reader across the file',
  },
  {
    field: 'frame', open: true, reason: 'pcapng interface names (if_name) do not reach the dissection yet: ours says "unknown"',
    when: (t, o) => /on interface \S+, id \d+/.test(t) && o === t.replace(/on interface \S+, id/, 'on interface unknown, id'),
  },
  {
    field: 'tls', open: true, reason: 'a segment that completes a reassembled record and carries more records: tshark shows a second TLS layer',
    when: (t, o) => t.split(',').length > o.split(',').length && t.startsWith(o),
  },
];
