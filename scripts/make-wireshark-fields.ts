// Regenerates main/engine/fields/wireshark-fields.gz from the installed
// tshark (4.0): every display-filter field and protocol Wireshark knows
// (`tshark -G fields`), its type, its true/false strings (`tshark -G
// values`, T lines) and, for the protocols xdpscope decodes, its value
// strings (V and R lines), plus the deprecated protocol aliases tshark still
// accepts. The display-filter compiler loads it lazily, so a filter naming a
// field we do not decode compiles with tshark's type rules (and a warning)
// instead of failing. Not a test:
//   node scripts/build.mjs && node dist/scripts/make-wireshark-fields.js
//
// Format (UTF-8 lines, gzip): "#" comment; "Y<code>\t<FT_TYPE>" type codes;
// "A<alias>\t<protocol>" aliases; "S<n>\t<true>\t<false>" true/false
// strings; "V<n>\t<value>\t<name>..." value tables (value "a-b" for a
// range); a line "%"; then the fields sorted by name, front-coded:
// "<chr(48+shared prefix length)><rest of name>\t<type code>[\tS<n>|V<n>|V?]"
// (V?: the field has value strings this file leaves out),
// every RESTART-th line whole (prefix length 0), so a lookup decodes one
// block after a binary search instead of the whole list.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { allFields } from '../main/engine/fields/registry';

const ROOT = join(__dirname, '..', '..');
const OUT = join(ROOT, 'main', 'engine', 'fields', 'wireshark-fields.gz');
/** Budget for the file in the tree (the issue's bound). */
const MAX_BYTES = 1.5 * 1024 * 1024;
const RESTART = 32;
/** Aliases proto_register_alias() adds in Wireshark's source; each is checked against tshark below. */
const ALIAS_CANDIDATES: Array<[string, string]> = [['bootp', 'dhcp'], ['ssl', 'tls'], ['nm', 'autosar-nm'], ['104apci', 'iec60870_104'], ['mrdisc', 'mrd']];

const tshark = (args: string[]): string => execFileSync('tshark', args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8');

function main(): void {
  const version = /TShark \(Wireshark\) ([0-9.]+)/.exec(tshark(['--version']))?.[1] ?? '?';
  const types = new Map<string, string>();
  for (const line of tshark(['-G', 'fields']).split('\n')) {
    const p = line.split('\t');
    if (p[0] === 'P' && p[2]) types.set(p[2], 'FT_PROTOCOL');
    else if (p[0] === 'F' && p[2] && p[3] && !types.has(p[2])) types.set(p[2], p[3]);
  }
  const ours = new Set(allFields().filter((f) => f.type === 'protocol').map((f) => f.name));
  const tfs = new Map<string, string>();
  const vals = new Map<string, string[]>();
  const omitted = new Set<string>();
  for (const line of tshark(['-G', 'values']).split('\n')) {
    const p = line.split('\t');
    if (p[0] === 'T' && p[1] && !(p[2] === 'True' && p[3] === 'False')) tfs.set(p[1], `${p[2]}\t${p[3]}`);
    const proto = (p[1] ?? '').split('.')[0]!;
    // other protocols' value strings would not fit: mark that the field has some
    if (!ours.has(proto)) { if ((p[0] === 'V' || p[0] === 'R') && p[1]) omitted.add(p[1]); continue; }
    const item = p[0] === 'V' ? `${p[2]}\t${p[3]}` : p[0] === 'R' ? `${p[2]}-${p[3]}\t${p[4]}` : null;
    if (item === null || /[\t\n]/.test(item.split('\t')[1] ?? '')) continue;
    const l = vals.get(p[1]!);
    if (l) l.push(item);
    else vals.set(p[1]!, [item]);
  }
  const probe = join(ROOT, 'test', 'engine', 'filter', 'data', 'multi-ip.pcap');
  const aliases = ALIAS_CANDIDATES.filter(([a, to]) => {
    if (types.has(a) || !types.has(to)) return false;
    try { tshark(['-n', '-r', probe, '-c', '1', '-Y', a]); return true; } catch { return false; }
  });

  const out: string[] = [`# Wireshark ${version} display-filter fields for xdpscope (scripts/make-wireshark-fields.ts)`];
  const codes = new Map<string, string>();
  for (const t of [...new Set(types.values())].sort()) {
    codes.set(t, String.fromCharCode(65 + codes.size));
    out.push(`Y${codes.get(t)}\t${t}`);
  }
  for (const [a, to] of aliases) out.push(`A${a}\t${to}`);
  const tables = new Map<string, string>();
  const ref = (key: string, kind: 'S' | 'V'): string => {
    let id = tables.get(kind + key);
    if (id === undefined) {
      id = kind + String(tables.size);
      tables.set(kind + key, id);
      out.push(`${id}\t${key}`);
    }
    return id;
  };
  const extra = new Map<string, string>();
  for (const [f, s] of tfs) if (types.get(f) === 'FT_BOOLEAN') extra.set(f, ref(s, 'S'));
  for (const [f, l] of vals) extra.set(f, ref(l.join('\t'), 'V'));
  for (const f of omitted) if (!extra.has(f)) extra.set(f, 'V?');
  out.push('%');
  let prev = '';
  let i = 0;
  for (const name of [...types.keys()].sort()) {
    let n = 0;
    if (i++ % RESTART !== 0) while (n < Math.min(name.length, prev.length, 60) && name[n] === prev[n]) n++;
    const x = extra.get(name);
    out.push(`${String.fromCharCode(48 + n)}${name.slice(n)}\t${codes.get(types.get(name)!)}${x ? `\t${x}` : ''}`);
    prev = name;
  }
  const gz = gzipSync(Buffer.from(out.join('\n') + '\n', 'utf8'), { level: 9 });
  if (gz.length > MAX_BYTES) throw new Error(`wireshark-fields.gz would be ${gz.length} bytes, over ${MAX_BYTES}`);
  writeFileSync(OUT, gz);
  console.log(`${OUT}: ${types.size} fields, ${tfs.size} true/false strings, ${vals.size} value tables (${ours.size} protocols), aliases ${aliases.map((a) => a.join('→')).join(', ')}; ${gz.length} bytes`);
}

main();
