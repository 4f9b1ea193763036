// What the service keeps of a session besides the packets: the view the
// renderer last reported (columns, selection), the metadata a file came
// with, and the helpers Save / Export need (packet ranges, colouring rules).
import type { SessionInfo, ViewColumn } from '../../api/types';
import { ApiError } from '../../api/index';

/**
 * The list colouring rules, as display filters, in the order the service
 * applies them (summarize.ts colourFrom): stored with a session so another
 * reader knows what the colours meant. Colours follow Wireshark's defaults.
 */
export const COLOURING_RULES: SessionInfo['colouringRules'] = [
  { name: 'Bad', filter: '_ws.malformed || _ws.expert.severity == error', foreground: '#f78787', background: '#000000', enabled: true },
  { name: 'TCP RST', filter: 'tcp.flags.reset eq 1', foreground: '#fffc9c', background: '#a40000', enabled: true },
  { name: 'TCP SYN/FIN', filter: 'tcp.flags.syn == 1 || tcp.flags.fin == 1', foreground: '#12272e', background: '#a0a0a0', enabled: true },
  { name: 'HTTP', filter: 'http || tcp.port == 80 || http2', foreground: '#12272e', background: '#e4ffc7', enabled: true },
  { name: 'DNS', filter: 'dns', foreground: '#12272e', background: '#daeeff', enabled: true },
  { name: 'ICMP', filter: 'icmp || icmpv6', foreground: '#12272e', background: '#fce0ff', enabled: true },
  { name: 'ARP', filter: 'arp', foreground: '#12272e', background: '#faf0d7', enabled: true },
  { name: 'TCP', filter: 'tcp', foreground: '#12272e', background: '#e7e6ff', enabled: true },
  { name: 'UDP', filter: 'udp', foreground: '#12272e', background: '#daeeff', enabled: true },
];

/** Parse "1-10,15" into a frame predicate; throws ApiError naming the bad part. */
export function parseRange(text: string): (frame: number) => boolean {
  const parts: Array<[number, number]> = [];
  for (const raw of text.split(',')) {
    const p = raw.trim();
    if (!p) continue;
    const m = /^(\d+)\s*(?:-\s*(\d*))?$/.exec(p);
    if (!m) throw new ApiError(`packet range "${p}" is not a number or a range like 1-10`, 'request');
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === '' ? Number.MAX_SAFE_INTEGER : Number(m[2]);
    if (a < 1 || b < a) throw new ApiError(`packet range "${p}" is empty or starts below 1`, 'request');
    parts.push([a, b]);
  }
  if (!parts.length) throw new ApiError('the packet range is empty (e.g. 1-10,15)', 'request');
  return (n) => parts.some(([a, b]) => n >= a && n <= b);
}

/** Keep only well-formed columns (metadata from a file is not trusted to be tidy). */
export function cleanColumns(cols: ReadonlyArray<{ field: string; title: string; width?: number; hidden?: boolean }>): ViewColumn[] {
  const out: ViewColumn[] = [];
  for (const c of cols) {
    if (typeof c.field !== 'string' || !c.field) continue;
    const col: ViewColumn = { field: c.field, title: typeof c.title === 'string' ? c.title : c.field };
    if (typeof c.width === 'number' && Number.isFinite(c.width) && c.width >= 0) col.width = Math.round(c.width);
    if (c.hidden) col.hidden = true;
    out.push(col);
  }
  return out;
}
