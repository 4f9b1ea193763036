// Hand-built 802.11 frames and radiotap headers for the wlan tests.
import { ascii, dnsQuery, ipv4, ipv6, tcp, udp } from './packets';

export const le16 = (v: number): number[] => [v & 255, (v >> 8) & 255];
export const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
export const le64 = (v: number): number[] => [...le32(v % 2 ** 32), ...le32(Math.floor(v / 2 ** 32))];

/** A radiotap field: its present bit (bit 32·k + n in bitmap k), its alignment and its bytes. */
export type RtField = [bit: number, align: number, bytes: number[]];

/** A radiotap header with these fields in bit order, each aligned from the header's start as the standard says. */
export function radiotap(fields: RtField[]): number[] {
  const words = Math.max(1, ...fields.map(([b]) => Math.floor(b / 32) + 1));
  const present = Array<number>(words).fill(0);
  for (const [b] of fields) present[Math.floor(b / 32)] |= 2 ** (b % 32);
  for (let k = 0; k < words - 1; k++) present[k] |= 2 ** 31;
  const body: number[] = [];
  const start = 4 + 4 * words;
  for (const [, align, bytes] of [...fields].sort((a, b) => a[0] - b[0])) {
    while ((start + body.length) % align !== 0) body.push(0);
    body.push(...bytes);
  }
  const len = start + body.length;
  return [0, 0, ...le16(len), ...present.flatMap((w) => le32(w >>> 0)), ...body];
}

export const AP = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];
export const STA = [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee];
export const BCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const GW = [0x02, 0x00, 0x5e, 0x00, 0x00, 0x01];

/** frame control (type, subtype, flags), duration, addresses, sequence control */
export function mac(type: number, subtype: number, flags: number, addrs: number[][], seq = 0x123, frag = 0, dur = 0x013a): number[] {
  const hdr = [(subtype << 4) | (type << 2), flags, ...le16(dur), ...addrs[0]];
  if (addrs.length > 1) hdr.push(...addrs[1]);
  if (addrs.length > 2) hdr.push(...addrs[2], ...le16((seq << 4) | frag));
  if (addrs.length > 3) hdr.push(...addrs[3]);
  return hdr;
}

export const tag = (n: number, v: number[]): number[] => [n, v.length, ...v];
const ssid = (s: string): number[] => tag(0, ascii(s));
const rates = tag(1, [0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24]);
const ds = (ch: number): number[] => tag(3, [ch]);
// RSN: version 1, group CCMP, one pairwise CCMP, one AKM PSK, capabilities 0x000c
const rsn = tag(48, [1, 0, 0x00, 0x0f, 0xac, 4, 1, 0, 0x00, 0x0f, 0xac, 4, 1, 0, 0x00, 0x0f, 0xac, 2, 0x0c, 0]);
const htcap = tag(45, [0xef, 0x19, 0x1b, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const tim = tag(5, [0, 1, 0, 0]);
const country = tag(7, [...ascii('DE'), 0x20, 1, 13, 20]);
const vendor = tag(221, [0x00, 0x50, 0xf2, 0x02, 0x00, 0x01, 0x00]);
const extRates = tag(50, [0x30, 0x48, 0x60, 0x6c]);

const fixedBeacon = [...le64(0x1122334455), ...le16(100), ...le16(0x0431)];

const erp = tag(42, [0x04]);
const htop = tag(61, [6, 0x05, ...Array<number>(20).fill(0)]);
const extcap = tag(127, [0x04, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x40]);
const vhtcap = tag(191, [0x91, 0x59, 0x82, 0x0f, 0xea, 0xff, 0, 0, 0xea, 0xff, 0, 0]);
const vhtop = tag(192, [1, 42, 0, 0, 0]);
const qbss = tag(11, [3, 0, 40, 0, 0]);
const powercon = tag(32, [3]);
const extElem = tag(255, [200, 1, 2]);
const wpa = tag(221, [0x00, 0x50, 0xf2, 0x01, 1, 0, 0x00, 0x50, 0xf2, 0x02, 1, 0, 0x00, 0x50, 0xf2, 0x02, 1, 0, 0x00, 0x50, 0xf2, 0x02]);

/** a beacon with the elements a current AP sends */
export const richBeacon = (): number[] => [...mac(0, 8, 0, [BCAST, AP, AP], 0x5a2), ...fixedBeacon, ...ssid('lab net'), ...rates, ...ds(36), ...tim, ...qbss, ...powercon,
  ...erp, ...htcap, ...htop, ...extcap, ...vhtcap, ...vhtop, ...extElem, ...wpa, ...vendor];

export const beacon = (name: string): number[] => [...mac(0, 8, 0, [BCAST, AP, AP], 0x5a1), ...fixedBeacon, ...ssid(name), ...rates, ...ds(6), ...tim, ...country, ...rsn, ...htcap, ...extRates, ...vendor];

/** management frames: probe request/response, auth, (re)assoc, deauth, disassoc, action */
export function management(): number[][] {
  return [
    [...mac(0, 4, 0, [BCAST, STA, BCAST], 17), ...ssid(''), ...rates, ...extRates],
    [...mac(0, 4, 0, [BCAST, STA, BCAST], 18), ...ssid('lab net'), ...rates, ...htcap],
    [...mac(0, 5, 0x08, [STA, AP, AP], 19), ...fixedBeacon, ...ssid('lab net'), ...rates, ...ds(11), ...rsn],
    [...mac(0, 11, 0, [AP, STA, AP], 20), ...le16(0), ...le16(1), ...le16(0)],
    [...mac(0, 11, 0, [STA, AP, AP], 21), ...le16(0), ...le16(2), ...le16(0)],
    [...mac(0, 0, 0, [AP, STA, AP], 22), ...le16(0x0431), ...le16(10), ...ssid('lab net'), ...rates, ...rsn],
    [...mac(0, 1, 0, [STA, AP, AP], 23), ...le16(0x0431), ...le16(0), ...le16(0xc001), ...rates],
    [...mac(0, 2, 0, [AP, STA, AP], 24), ...le16(0x0431), ...le16(10), ...AP, ...ssid('lab net'), ...rates],
    [...mac(0, 3, 0, [STA, AP, AP], 25), ...le16(0x0431), ...le16(0), ...le16(0xc002), ...rates],
    [...mac(0, 12, 0, [STA, AP, AP], 26), ...le16(7)],
    [...mac(0, 10, 0, [BCAST, AP, AP], 27), ...le16(8)],
    // action: spectrum management (0), block ack (3) ADDBA request
    [...mac(0, 13, 0, [AP, STA, AP], 28), 3, 0, 1, ...le16(0x1002), ...le16(0), ...le16(0x0010)],
    [...mac(0, 13, 0, [STA, AP, AP], 30), 3, 1, 1, ...le16(0), ...le16(0x1002), ...le16(0)],
    [...mac(0, 13, 0, [STA, AP, AP], 31), 3, 2, ...le16(0x1800), ...le16(37)],
    // ATIM (no body) and a reserved subtype
    [...mac(0, 9, 0, [AP, STA, AP], 29)],
  ];
}

/** control frames: RTS, CTS, ACK, Block Ack Request, Block Ack, PS-Poll, CF-End */
export function control(): number[][] {
  return [
    [...mac(1, 11, 0, [AP, STA])],
    [...mac(1, 12, 0, [STA])],
    [...mac(1, 13, 0, [AP], 0, 0, 0)],
    [...mac(1, 8, 0, [AP, STA]), ...le16(0x0004), ...le16(0x0120)],
    [...mac(1, 9, 0, [STA, AP]), ...le16(0x0005), ...le16(0x0120), ...le64(0xff)],
    [...mac(1, 10, 0, [AP, STA], 0, 0, 0xc001)],
    [...mac(1, 14, 0, [BCAST, AP], 0, 0, 0)],
  ];
}

const snap = (type: number, payload: number[]): number[] => [0xaa, 0xaa, 0x03, 0, 0, 0, type >> 8, type & 255, ...payload];
const dnsV4 = ipv4('198.18.0.10', '198.18.0.1', 17, udp(53001, 53, dnsQuery(0x4242, 'wifi.example')));
const synV6 = ipv6(6, tcp(40001, 443, 1, 0, 0x02));

const amsduSub = (da: number[], sa: number[], msdu: number[], last: boolean): number[] => {
  const s = [...da, ...sa, msdu.length >> 8, msdu.length & 255, ...msdu];
  while (!last && s.length % 4) s.push(0);
  return s;
};

/** data frames: to/from DS, QoS, WDS, null, protected, and an ARP */
export function data(): number[][] {
  return [
    [...mac(2, 0, 0x01, [AP, STA, GW], 100), ...snap(0x0800, dnsV4)],
    [...mac(2, 8, 0x02, [STA, AP, GW], 101), ...le16(0x0005), ...snap(0x86dd, synV6)],
    [...mac(2, 0, 0x03, [AP, STA, GW, STA], 102), ...snap(0x0800, dnsV4)],
    [...mac(2, 4, 0x11, [AP, STA, AP], 103)],
    [...mac(2, 12, 0x01, [AP, STA, AP], 104), ...le16(0x0000)],
    [...mac(2, 12, 0x01, [AP, STA, AP], 114), ...le16(0x2a16)],
    [...mac(2, 12, 0x02, [STA, AP, AP], 115), ...le16(0x0335)],
    // protected (CCMP header, then ciphertext and MIC)
    [...mac(2, 8, 0x41, [AP, STA, GW], 105), ...le16(0x0000), 0x01, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, ...Array<number>(40).fill(0x5c)],
    [...mac(2, 0, 0x42, [STA, AP, GW], 106), 0x01, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, ...Array<number>(24).fill(0x33)],
    // ARP over SNAP, retry flag
    [...mac(2, 0, 0x09, [AP, STA, BCAST], 107), ...snap(0x0806, [0, 1, 8, 0, 6, 4, 0, 1, ...STA, 198, 18, 0, 10, 0, 0, 0, 0, 0, 0, 198, 18, 0, 1])],
    // EAPOL key (4-way handshake message 1) from the AP
    [...mac(2, 8, 0x02, [STA, AP, AP], 110), ...le16(0x0007), ...snap(0x888e, [2, 3, 0, 95, 2, 0x00, 0x8a, 0, 16, 0, 0, 0, 0, 0, 0, 0, 1, ...Array<number>(32).fill(0x11),
      ...Array<number>(16).fill(0), ...Array<number>(8).fill(0), ...Array<number>(8).fill(0), ...Array<number>(16).fill(0), 0, 0])],
    // A-MSDUs from the AP and to it: two subframes (the first padded to 4 bytes), then one cut in its header (not in its
    // MSDU: tshark then decodes the MSDU as cut by a snap length, which our dissectors only know of a whole frame)
    [...mac(2, 8, 0x02, [STA, AP, AP], 111), ...le16(0x0080), ...amsduSub(STA, GW, snap(0x0800, dnsV4), false), ...amsduSub(STA, GW, snap(0x86dd, synV6), true)],
    [...mac(2, 8, 0x01, [AP, STA, AP], 112), ...le16(0x0080), ...amsduSub(GW, STA, snap(0x0800, dnsV4), true)],
    [...mac(2, 8, 0x02, [STA, AP, AP], 113), ...le16(0x0080), ...amsduSub(STA, GW, snap(0x0800, dnsV4), false).slice(0, 10)],
    // ad hoc (no DS bits), then QoS data with an HT control field (+HTC/order)
    [...mac(2, 0, 0x00, [STA, GW, AP], 108), ...snap(0x0800, dnsV4)],
    [...mac(2, 8, 0x82, [STA, AP, GW], 109), ...le16(0x0006), 0, 0, 0, 0, ...snap(0x0800, dnsV4)],
  ];
}

/** radiotap headers in front of 802.11 frames: the common fields, MCS, A-MPDU, VHT, extended bitmaps, an FCS */
export function radiotapFrames(): number[][] {
  const [bcn] = [beacon('lab net')];
  const [dnsData, qosV6] = data();
  const fcs = [0xde, 0xad, 0xbe, 0xef];
  return [
    // TSFT, flags (FCS at end), 1 Mb/s, 2412 MHz CCK 2 GHz, -40/-95 dBm, antenna 1, rx flags
    [...radiotap([[0, 8, le64(123456789)], [1, 1, [0x10]], [2, 1, [2]], [3, 2, [...le16(2412), ...le16(0x00a0)]], [5, 1, [216]], [6, 1, [161]], [11, 1, [1]], [14, 2, le16(0)]]), ...bcn, ...fcs],
    // 5180 MHz OFDM, short preamble, 54 Mb/s, dB signal/noise
    [...radiotap([[1, 1, [0x02]], [2, 1, [108]], [3, 2, [...le16(5180), ...le16(0x0140)]], [12, 1, [40]], [13, 1, [5]]]), ...dnsData],
    // HT: MCS 7, 40 MHz, short GI; A-MPDU reference 42
    [...radiotap([[0, 8, le64(1)], [1, 1, [0]], [3, 2, [...le16(2437), ...le16(0x0480)]], [5, 1, [200]], [19, 1, [0x07, 0x05, 7]], [20, 4, [...le32(42), ...le16(0), 0, 0]]]), ...qosV6],
    // three presence words (radiotap namespace again each time): per-antenna signal and antenna
    [...radiotap([[0, 8, le64(99)], [1, 1, [0]], [2, 1, [12]], [3, 2, [...le16(2462), ...le16(0x00c0)]], [5, 1, [210]], [14, 2, le16(0)], [29, 1, []],
      [37, 1, [208]], [43, 1, [0]], [61, 1, []], [69, 1, [212]], [75, 1, [1]]]), ...dnsData],
    // VHT: 80 MHz, MCS 9, 1 stream, short GI
    [...radiotap([[1, 1, [0]], [3, 2, [...le16(5210), ...le16(0x0140)]], [5, 1, [190]], [21, 2, [...le16(0x0044), 0x04, 4, 0x91, 0, 0, 0, 0, 0, ...le16(0)]]]), ...qosV6],
    // data padding: a 26-byte QoS header padded to 28
    [...radiotap([[1, 1, [0x20]], [5, 1, [201]]]), ...data()[1].slice(0, 26), 0, 0, ...data()[1].slice(26)],
    // 11g OFDM and 11b short preamble with a TSF: the airtime and its start
    [...radiotap([[0, 8, le64(5000)], [1, 1, [0]], [2, 1, [48]], [3, 2, [...le16(2437), ...le16(0x00c0)]]]), ...data()[0]],
    [...radiotap([[0, 8, le64(7000)], [1, 1, [0x12]], [2, 1, [22]], [3, 2, [...le16(2437), ...le16(0x00a0)]]]), ...bcn, ...fcs],
    [...radiotap([[1, 1, [0x02]], [2, 1, [11]], [3, 2, [...le16(2412), ...le16(0x00a0)]]]), ...data()[0]],
    // bad FCS flagged, TX flags, data retries
    [...radiotap([[1, 1, [0x50]], [15, 2, le16(0x0008)], [17, 1, [3]]]), ...bcn, ...fcs],
    // a radiotap length past the frame
    [0, 0, 0xff, 0x00, 0x02, 0, 0, 0, 0x10, ...bcn],
    // a radiotap length shorter than its presence words
    [0, 0, 6, 0, 0x02, 0, 0, 0, 0x10, ...bcn],
    // cut inside the header
    [0, 0, 0x20, 0x00, 0x0f],
  ];
}
