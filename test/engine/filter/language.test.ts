// The parts of Wireshark's filter language that depend on more than the
// packet (issue 18): display-filter macros from Wireshark's dfilter_macros
// format and the user's config folder, field references against the
// selected packet (Wireshark's GUI rule; none selected: tshark's), layer
// ranges, and the warnings a filter that compiles can carry. tshark's
// verdicts on the same syntax are in tshark-language.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileDisplayFilter, type CompileOptions } from '../../../main/engine/filter/compile';
import { expandMacros, loadMacroFile, loadUserMacros } from '../../../main/engine/filter/macros';
import { registerTestFields, sampleCapture } from './synthetic';

registerTestFields();
const capture = sampleCapture();

function select(text: string, opts: CompileOptions = {}): number[] {
  const r = compileDisplayFilter(text, opts);
  if (!r.ok) assert.fail(`${text}: ${r.error.message} [${r.error.start},${r.error.end})`);
  return capture.filter((d) => r.filter.matches(d)).map((d) => d.packet.number);
}
const refused = (text: string, opts: CompileOptions = {}): { message: string; start: number; end: number } => {
  const r = compileDisplayFilter(text, opts);
  if (r.ok) assert.fail(`${text}: compiled`);
  return r.error;
};

const MACROS = loadMacroFile([
  '# Wireshark writes its UAT files this way: "name","text", quotes as \\x22',
  '"private_ipv4","$1 == 10.0.0.0/8 or $1 == 192.168.0.0/16"',
  '"web","tcp.port == 80"',
  '"host","http.host == \\x22$1\\x22"',
  '"two","tcp.srcport == $1 and tcp.dstport == $2"',
  '"nested","${web} and ${private_ipv4:ip.src}"',
  '"loop","${loop}"',
  'not a macro line',
  '',
].join('\n'));

test('macros in Wireshark\'s dfilter_macros format expand with their arguments', () => {
  assert.deepEqual([...MACROS.keys()], ['private_ipv4', 'web', 'host', 'two', 'nested', 'loop']);
  assert.equal(MACROS.get('host'), 'http.host == "$1"');
  assert.deepEqual(select('${private_ipv4:ip.src}', { macros: MACROS }), [5, 6, 7]);
  assert.deepEqual(select('${web}', { macros: MACROS }), [1, 2, 3, 4]);
  assert.deepEqual(select('${host:Example.com}', { macros: MACROS }), [3]);
  assert.deepEqual(select('${two:40000;80}', { macros: MACROS }), [1, 3]);
  assert.deepEqual(select('not ${web} and tcp', { macros: MACROS }), [10, 12]);
  // a macro using macros
  assert.deepEqual(select('${nested}', { macros: MACROS }), []);
  // ${ip.src} names a field: it is a field reference, not a macro
  assert.equal(expandMacros('ip.src == ${ip.src}', MACROS, (n) => n === 'ip.src').text, 'ip.src == ${ip.src}');
  // strings are left alone
  assert.equal(expandMacros('http.host == "${web}"', MACROS, () => false).text, 'http.host == "${web}"');
});

test('macro errors carry tshark\'s messages and point at the macro', () => {
  const o = { macros: MACROS };
  assert.deepEqual(refused('tcp and ${nope:1}', o), { message: "macro 'nope' does not exist", start: 8, end: 17 });
  assert.equal(refused('${web:1}', o).message, "wrong number of arguments for macro 'web', expecting 0 instead of 1");
  assert.equal(refused('${private_ipv4}', o).message, "wrong number of arguments for macro 'private_ipv4', expecting 1 instead of 0");
  assert.equal(refused('${two:1;2', o).message, 'end of filter in the middle of a macro expression');
  assert.equal(refused('${private_ipv4;ip.src}', o).message, 'invalid character in macro name');
  assert.match(refused('${loop}', o).message, /more than 10 levels deep/);
  // an error inside the expansion underlines the whole filter (tshark underlines nothing)
  assert.deepEqual(refused('${private_ipv4:}', o), { message: '"==" was unexpected in this context.', start: 0, end: 16 });
  // before the first macro, spans are the user's
  assert.deepEqual(refused('tcp.port == "x" and ${web}', o), { message: 'Unsigned integer (2 bytes) cannot be converted from a string ("x").', start: 12, end: 15 });
});

test('the user\'s macros come from dfilter_macros in the config folder, re-read when it changes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-macros-'));
  try {
    const env = { ...process.env, XDPSCOPE_CONFIG_DIR: dir };
    assert.equal(loadUserMacros(env).size, 0, 'no file: no macros');
    writeFileSync(join(dir, 'dfilter_macros'), '"web","tcp.port == 80"\n');
    assert.deepEqual([...loadUserMacros(env).keys()], ['web']);
    // the compiler reads them when the caller gives none
    const saved = process.env.XDPSCOPE_CONFIG_DIR;
    process.env.XDPSCOPE_CONFIG_DIR = dir;
    try {
      assert.deepEqual(select('${web}'), [1, 2, 3, 4]);
      writeFileSync(join(dir, 'dfilter_macros'), '"web","tcp.port == 443"\n"dns","udp.dstport == 53"\n');
      // a new mtime is what marks the change; make sure it differs from the first write
      const later = new Date(Date.now() + 5000);
      utimesSync(join(dir, 'dfilter_macros'), later, later);
      assert.deepEqual(select('${web}'), [10, 12]);
      assert.deepEqual(select('${dns}'), [5, 6]);
    } finally {
      if (saved === undefined) delete process.env.XDPSCOPE_CONFIG_DIR;
      else process.env.XDPSCOPE_CONFIG_DIR = saved;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('field references read the selected packet; without one they have no value (tshark)', () => {
  const third = capture[2]!;
  assert.deepEqual(select('frame.number < ${frame.number}', { selected: third }), [1, 2]);
  assert.deepEqual(select('frame.number < ${frame.number}'), []);
  assert.deepEqual(select('ip.src == ${ip.src}', { selected: third }), [1, 3, 8]);
  assert.deepEqual(select('tcp.port == ${tcp.srcport} and tcp.flags.syn == 1', { selected: third }), [1, 2]);
  // a layer of the reference: the ICMP error's inner source
  assert.deepEqual(select('ip.src == ${ip.src#2}', { selected: capture[7]! }), [1, 3, 8]);
  assert.deepEqual(select('ip.dst == ${ip.dst#2}', { selected: capture[7]! }), [8]);
  // as in tshark 4.0, a reference names a field and at most a layer number
  assert.equal(refused('ip.dst == ${ip.dst#[-1]}').message, 'invalid character in macro name');
  // a reference to a field the selected packet lacks matches nothing, != included
  assert.deepEqual(select('udp.port == ${udp.port}', { selected: third }), []);
  assert.deepEqual(select('frame.number in {${frame.number}..13}', { selected: capture[10]! }), [11, 12, 13]);
  assert.deepEqual(refused('${frame.number}'), { message: 'frame.number <FT_UINT32> is neither a field nor a protocol name.', start: 2, end: 14 });
  assert.deepEqual(refused('frame.number == ${nosuch.field}'), { message: "macro 'nosuch.field' does not exist", start: 16, end: 31 });
});

test('layer ranges and negative layers select among a packet\'s headers', () => {
  // 8: ICMP error (outer 192.0.2.1 → 198.18.0.1, inner 198.18.0.1 → 203.0.113.5); 10: IP-in-IP
  assert.deepEqual(select('ip.src#[-1] == 198.18.0.1'), [1, 3, 8]);
  assert.deepEqual(select('ip.src#[1-2] == 198.18.0.1'), [1, 3, 8]);
  assert.deepEqual(select('ip.src#[2:] == 198.18.0.1'), [8]);
  assert.deepEqual(select('ip.dst#[-2] == 198.18.0.1'), [8]);
  assert.deepEqual(select('ip.dst#[-1] == 10.9.9.9'), [10]);
  assert.deepEqual(select('ip.src#[:1]'), []);
  assert.deepEqual(select('ip.src#[1,2] == 10.0.0.9'), [7]);
  assert.deepEqual(select('count(ip.src#[-1]) == 1'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(select('any ip.src == 198.18.0.1'), [1, 3, 8]);
  assert.deepEqual(select('all ip.src == 198.18.0.7'), [10]);
  assert.deepEqual(select('all vlan.id == 20'), [6, 7]);
});

test('a filter naming what we do not decode, or a deprecated name, compiles with a warning', () => {
  const r = compileDisplayFilter('9p or tcp.port == 80 or ipx.src.node[1] == aa');
  assert.ok(r.ok);
  assert.deepEqual(r.warnings, [
    { message: 'xdpscope does not decode 9p: this matches nothing', start: 0, end: 2 },
    { message: 'xdpscope does not decode ipx.src.node: this matches nothing', start: 24, end: 36 },
  ]);
  assert.deepEqual(capture.filter((d) => r.filter.matches(d)).map((d) => d.packet.number), [1, 2, 3, 4]);
  const s = compileDisplayFilter('ssl or bootp');
  assert.ok(s.ok);
  assert.deepEqual(s.warnings.map((w) => w.message), ['"ssl" is deprecated: use "tls"', '"bootp" is deprecated: use "dhcp"']);
  const nm = compileDisplayFilter('nm');
  assert.ok(nm.ok);
  assert.deepEqual(nm.warnings.map((w) => w.message), ['"nm" is deprecated: use "autosar-nm"', 'xdpscope does not decode autosar-nm: this matches nothing']);
  // Wireshark's types apply to fields we do not decode
  assert.equal(refused('ipx.src.node == 1.2.3.4').message, '"1.2.3.4" contains too few bytes to be a valid Ethernet address.');
  assert.equal(refused('s7comm.param.func == 300').message, '"300" too big for this field, maximum 255.');
  // a plain filter carries none
  const plain = compileDisplayFilter('tcp.port == 80');
  assert.ok(plain.ok && plain.warnings.length === 0);
});
