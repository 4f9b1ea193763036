// Small pure helpers the views share (tested under node:test).
import { COLUMNS, type ColumnFormat, type ColumnId, type DetailNode } from '../../main/api/types';

/** ISO 3166 alpha-2 → regional-indicator flag emoji ('' when not two letters). */
export function flagEmoji(iso: string | undefined): string {
  if (!iso || !/^[A-Za-z]{2}$/.test(iso)) return '';
  const up = iso.toUpperCase();
  return String.fromCodePoint(0x1f1e6 + up.charCodeAt(0) - 65, 0x1f1e6 + up.charCodeAt(1) - 65);
}

export function formatTime(sec: number): string {
  return sec.toFixed(6);
}

/** How a column with this format shows a (present) value. */
export function formatColumn(format: ColumnFormat): (v: string | number) => string {
  switch (format) {
    case 'time': return (v) => formatTime(Number(v));
    case 'country': return (v) => (v ? `${flagEmoji(String(v))} ${v}` : '');
    // pcapng's epb_flags direction: 1 inbound, 2 outbound
    case 'direction': return (v) => (v === 1 ? '← in' : v === 2 ? '→ out' : '');
  }
}

export function formatElapsed(sec: number): string {
  const s = Math.floor(sec);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(r).padStart(2, '0')}`;
}

const isIpv4 = (s: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(s);
const isMac = (s: string) => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(s);
const quote = (s: string) => JSON.stringify(s);

/** The display filter that selects packets whose column shows `value` (null when the column has no field). */
export function filterFor(column: ColumnId, value: string | number | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  const v = String(value);
  switch (column) {
    case 'number': return `frame.number == ${v}`;
    case 'length': return `frame.len == ${v}`;
    case 'source':
    case 'destination': {
      const dir = column === 'source' ? 'src' : 'dst';
      if (isIpv4(v)) return `ip.${dir} == ${v}`;
      if (isMac(v)) return `eth.${dir} == ${v}`;
      if (v.includes(':') && /^[0-9a-fA-F:.]+$/.test(v)) return `ipv6.${dir} == ${v}`;
      // a vendor-named MAC (Cisco_2e:1c:38, Broadcast), as tshark's columns show it: no filter from the text
      return null;
    }
    case 'protocol': return /^[\w.-]+$/.test(v) ? v.toLowerCase() : null;
    case 'info': return null;
    case 'time': return null;
  }
  // a field column: its fields, or'ed (Host/SNI reads http.host or the TLS SNI)
  const def = COLUMNS.find((c) => c.id === column);
  if (!def || !('fields' in def)) return null;
  const lit = def.type === 'number' ? v : quote(v);
  return def.fields.map((f) => `${f} == ${lit}`).join(' || ');
}

/** The filter for a detail-tree field: 'name == value', or just the name for protocols and flags without a value. */
export function filterForField(node: DetailNode): string {
  return node.value !== undefined ? `${node.name} == ${node.value}` : node.name;
}

/** Combine a prepared filter with the current one, as Wireshark's "...and Selected". */
export function andFilter(current: string, extra: string): string {
  const c = current.trim();
  return c ? `(${c}) && (${extra})` : extra;
}

/** The smallest field whose byte range contains `offset`, with the path of its ancestors. */
export function fieldAt(tree: DetailNode[], offset: number): { node: DetailNode; path: string[] } | null {
  let best: { node: DetailNode; path: string[] } | null = null;
  const walk = (nodes: DetailNode[], path: string[]) => {
    nodes.forEach((n, i) => {
      const id = [...path, String(i)];
      if (n.len > 0 && offset >= n.start && offset < n.start + n.len) {
        if (!best || n.len <= best.node.len) best = { node: n, path: id };
      }
      if (n.children) walk(n.children, id);
    });
  };
  walk(tree, []);
  return best;
}

/** Hex dump lines: offset, 16 hex bytes, ASCII. */
export function hexLines(bytes: Uint8Array): Array<{ offset: number; bytes: number[] }> {
  const out: Array<{ offset: number; bytes: number[] }> = [];
  for (let o = 0; o < bytes.length; o += 16) out.push({ offset: o, bytes: Array.from(bytes.subarray(o, o + 16)) });
  return out;
}

export const printable = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

/** Bytes as text for Follow Stream: printable ASCII, newlines kept, the rest as '.'. */
export function streamText(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c === 10 || c === 13 || c === 9 ? String.fromCharCode(c) : printable(c);
  return s;
}
