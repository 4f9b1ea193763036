// tshark's packet details (-V) and hex dump (-x) as text: the detail tree
// with its labels, four spaces a level, generated items in brackets and
// expert items under the layer that raised them; the frame's bytes as
// "0000  xx xx …   ascii" lines of 16.
import type { Dissection, ExpertInfo, Field } from '../types';
import { labelOf } from '../dissect/labels';

const SEVERITY: Record<ExpertInfo['severity'], string> = { chat: 'Chat', note: 'Note', warn: 'Warning', error: 'Error' };
const GROUP: Record<ExpertInfo['group'], string> = {
  malformed: 'Malformed', protocol: 'Protocol', sequence: 'Sequence', reassemble: 'Reassemble', security: 'Security', comment: 'Comment',
};
/**
 * Fields Wireshark adds as hidden items (filters match them, the tree does
 * not show them): the either-direction twins of addresses and ports.
 */
const HIDDEN = new Set([
  'eth.addr', 'eth.addr_resolved', 'eth.addr.oui', 'eth.addr.oui_resolved', 'ip.addr', 'ip.host', 'ipv6.addr', 'ipv6.host',
  'tcp.port', 'udp.port', 'sctp.port', 'ip.geoip.country', 'ip.geoip.country_iso', 'ipv6.geoip.country', 'ipv6.geoip.country_iso',
]);
/** how deep a tree is printed (the UI's limit too) */
const MAX_DEPTH = 32;

/** The packet's detail tree as tshark -V prints it, ending with a blank line. */
export function detailsText(d: Dissection): string {
  const out: string[] = [];
  const expertsBy = new Map<string, ExpertInfo[]>();
  const malformed: ExpertInfo[] = [];
  for (const e of d.expert) {
    if (e.group === 'malformed') { malformed.push(e); continue; }
    const key = e.protocol ?? '';
    const list = expertsBy.get(key);
    if (list) list.push(e); else expertsBy.set(key, [e]);
  }
  const walk = (list: Field[], depth: number): void => {
    for (const f of list) {
      if (HIDDEN.has(f.name)) continue;
      const label = labelOf(f, d);
      out.push('    '.repeat(depth) + (f.generated ? `[${label}]` : label));
      if (f.children?.length && depth < MAX_DEPTH) walk(f.children, depth + 1);
      if (depth === 0) {
        for (const e of expertsBy.get(f.name) ?? []) expertLines(out, e, 1);
        expertsBy.delete(f.name);
      }
    }
  };
  walk(d.tree, 0);
  // experts of a layer the tree does not show (and of none) close the frame's items
  for (const list of expertsBy.values()) for (const e of list) expertLines(out, e, 1);
  if (malformed.length) {
    // tshark's "[Malformed Packet: DNS]" item, its expert beneath
    out.push(`[Malformed Packet: ${(malformed[0].protocol ?? 'frame').toUpperCase()}]`);
    for (const e of malformed) expertLines(out, e, 1);
  }
  return out.join('\n') + '\n\n';
}

function expertLines(out: string[], e: ExpertInfo, depth: number): void {
  const pad = '    '.repeat(depth);
  out.push(`${pad}[Expert Info (${SEVERITY[e.severity]}/${GROUP[e.group]}): ${e.message}]`);
  out.push(`${pad}    [${e.message}]`, `${pad}    [Severity level: ${SEVERITY[e.severity]}]`, `${pad}    [Group: ${GROUP[e.group]}]`);
}

const HEX = '0123456789abcdef';

/** The bytes as tshark -x prints them: offset, 16 hex bytes, three spaces, ASCII (dots for the rest); a blank line after. */
export function hexDumpText(bytes: Uint8Array): string {
  let s = '';
  for (let off = 0; off < bytes.length; off += 16) {
    const end = Math.min(off + 16, bytes.length);
    let hex = '', ascii = '';
    for (let i = off; i < off + 16; i++) {
      if (i < end) {
        const b = bytes[i];
        hex += (i > off ? ' ' : '') + HEX[b >> 4] + HEX[b & 15];
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else hex += '   ';
    }
    s += `${off.toString(16).padStart(off > 0xffff ? 8 : 4, '0')}  ${hex}   ${ascii}\n`;
  }
  return s + '\n';
}
