// Display-filter semantics on hand-built Dissections: operators, literal
// kinds, multi-occurrence fields (VLAN stacks, ICMP errors, tunnels),
// functions, slices; Wireshark-like errors with their spans; completion; and
// the columnar index answering exactly like the compiled filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDisplayFilter, type CompiledFilter } from '../../../main/engine/filter/compile';
import { completeFilter } from '../../../main/engine/filter/complete';
import { FilterIndex } from '../../../main/engine/filter/index-store';
import { registerTestFields, sampleCapture } from './synthetic';

registerTestFields();
const capture = sampleCapture();

function compile(text: string): CompiledFilter {
  const r = compileDisplayFilter(text);
  if (!r.ok) assert.fail(`${text}: ${r.error.message} [${r.error.start},${r.error.end})`);
  return r.filter;
}

const select = (text: string): number[] => {
  const f = compile(text);
  return capture.filter((d) => f.matches(d)).map((d) => d.packet.number);
};

// frame numbers: 1-4 TCP v4 (3 = HTTP request, 4 = response), 5-7 VLAN UDP
// (5: 10,20; 6: 20; 7: 20,20), 8 ICMP error with inner IP, 9 ICMP echo,
// 10 IP-in-IP + TCP, 11-12 IPv6, 13 bare Ethernet.
const CASES: Array<[string, number[]]> = [
  ['tcp', [1, 2, 3, 4, 10, 12]],
  ['ip', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  ['not ip', [11, 12, 13]],
  ['http', [3, 12]],
  ['tcp.port == 80', [1, 2, 3, 4]],
  ['tcp.port != 80', [10, 12]],
  ['tcp.port ~= 80', [1, 2, 3, 4, 10, 12]],
  ['tcp.port !== 40000', [1, 2, 3, 4, 10, 12]],
  ['tcp.dstport === 80', [1, 3]],
  // VLAN stacks: == any, != all, === all, ~= any differ
  ['vlan.id == 20', [5, 6, 7]],
  ['vlan.id != 20', []],
  ['vlan.id != 10', [6, 7]],
  ['vlan.id ~= 20', [5]],
  ['vlan.id === 20', [6, 7]],
  ['vlan.id all_eq 20', [6, 7]],
  ['vlan.id any_ne 20', [5]],
  ['not vlan.id == 10', [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13]],
  ['count(vlan.id) == 2', [5, 7]],
  // count() of an absent field has no value, as in tshark 4.0
  ['count(http.host) == 0', []],
  ['vlan.id#2 == 20', [5, 7]],
  ['vlan.id#1 == 10', [5]],
  // ICMP error and tunnel: two IP headers
  ['ip.src == 198.18.0.1', [1, 3, 8]],
  ['ip.src != 198.18.0.1', [2, 4, 5, 6, 7, 9, 10]],
  ['ip.src ~= 198.18.0.1', [2, 4, 5, 6, 7, 8, 9, 10]],
  ['ip.src === 198.18.0.7', [10]],
  ['ip.src#2 == 198.18.0.1', [8]],
  ['ip.dst#1 == 198.18.0.1', [2, 4, 8, 9]],
  ['count(ip.src) > 1', [8, 10]],
  ['ip.addr == 203.0.113.5', [8]],
  ['ip.proto == 17', [5, 6, 7, 8]],
  ['ip.proto == "UDP"', [5, 6, 7, 8]],
  ['ip.proto == "udp"', [5, 6, 7, 8]],
  // logic and precedence
  ['tcp or udp and vlan', [1, 2, 3, 4, 5, 6, 7, 10, 12]],
  ['(tcp or udp) and vlan', [5, 6, 7]],
  ['!tcp && ip || http', [3, 5, 6, 7, 8, 9, 12]],
  ['not tcp.flags.syn == 1', [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]],
  ['tcp.flags.syn', [1, 2, 3, 4, 10, 12]],
  ['tcp.flags.syn == True', [1, 2]],
  ['tcp.flags.syn == 0', [3, 4, 10, 12]],
  // literals
  ['tcp.port == 0x50', [1, 2, 3, 4]],
  ['tcp.port == 0120', [1, 2, 3, 4]],
  ['tcp.len == \'x\'', []],
  ['tcp.len == 1', [12]],
  ['eth.src == 00:11:22:33:44:55', [1, 3, 5, 6, 7, 11, 12]],
  ['eth.src == 00-11-22-33-44-55', [1, 3, 5, 6, 7, 11, 12]],
  ['eth.dst[0:3] == ff:ff:ff', [5, 6, 7, 13]],
  ['eth.dst[0] == 33', [11]],
  ['eth.src[-2:] == ee:ff', [13]],
  ['eth.src[1-2] == 11:22', [1, 3, 5, 6, 7, 11, 12]],
  ['ip.src == 198.18.0.0/15', [1, 2, 3, 4, 8, 10]],
  ['ip.dst == 10.0.0.0/30', [5, 6, 7]],
  ['ip.src > 192.0.2.1', [1, 2, 3, 4, 8, 10]],
  ['ipv6.src == 2001:db8::/32', [12]],
  ['ipv6.dst == ff02::1', [11]],
  ['ipv6.src == fe80::1', [11]],
  ['ipv6.dst[0:2] == ff:02', [11]],
  // strings
  ['http.host == "Example.com"', [3]],
  ['http.host == Example.com', [3]],
  ['http.host contains "ample"', [3]],
  ['http.host contains "AMPLE"', [12]],
  ['http.host matches "^example\\\\."', [3, 12]],
  ['http.host matches "(?-i)^Example"', [3]],
  ['http.host ~ "org$"', [12]],
  ['lower(http.host) == "example.org"', [12]],
  ['upper(http.host) == "EXAMPLE.COM"', [3]],
  ['len(http.host) == 11', [3, 12]],
  ['http.user_agent matches "curl/[0-9]"', [3]],
  ['http.host == "Ex\\x61mple.com"', [3]],
  ['http.host == "Ex\\141mple.com"', [3]],
  ['http.host[0:2] == "Ex"', [3]],
  ['http.host > "F"', []],
  ['http.host >= "EXAMPLE"', [3, 12]],
  // bytes and frame
  ['tcp.payload contains "HTTP/1.1"', [3, 4]],
  ['tcp.payload contains 47:45:54', [3]],
  ['tcp.payload[0:4] == "HTTP"', [4]],
  ['frame contains "Host: Example"', [3]],
  ['frame matches "http/1\\\\.1 200"', [4]],
  ['frame[0:7] == "frame-1"', [1, 10, 11, 12, 13]],
  ['len(tcp.payload) > 20', [3]],
  // sets
  ['tcp.port in {80, 443}', [1, 2, 3, 4, 10, 12]],
  ['tcp.port in {40000..50000}', [1, 2, 3, 4, 10]],
  ['udp.srcport in {5350..5353, 53}', [5, 7]],
  ['udp.dstport in {546..547}', [11]],
  ['tcp.dstport not in {80}', [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]],
  ['ip.src in {10.0.0.0/8, 192.0.2.1}', [5, 6, 7, 8, 9]],
  ['http.host in {"Example.com", "x"}', [3]],
  ['{tcp.port + 1} * 2 == 888', [10, 12]],
  ['icmp.type in {0..7}', [8]],
  // functions and arithmetic
  ['count(tcp.port) == 2', [1, 2, 3, 4, 10, 12]],
  ['string(tcp.srcport) == "80"', [2, 4]],
  ['string(ip.src) contains "192.0"', [8, 9]],
  ['max(tcp.srcport, tcp.dstport) == 50001', [12]],
  ['min(udp.srcport, udp.dstport) == 53', [5, 6, 7]],
  ['tcp.srcport + 1 == 81', [2, 4]],
  ['tcp.port & 0x01', [10, 12]],
  ['tcp.len * 2 == 2', [12]],
  ['ip.ttl - 60 == 4', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  ['len(tcp.port) == 2', [1, 2, 3, 4, 10, 12]],
];

test('filters select the expected frames on synthetic dissections', () => {
  const wrong = CASES.filter(([text, want]) => JSON.stringify(select(text)) !== JSON.stringify(want))
    .map(([text, want]) => `${text}: got ${JSON.stringify(select(text))}, want ${JSON.stringify(want)}`);
  assert.deepEqual(wrong, []);
});

test('the index store answers exactly like the compiled filter', () => {
  const idx = new FilterIndex({ fields: 'all' });
  for (const d of capture) idx.add(d);
  let indexed = 0;
  for (const [text, want] of CASES) {
    const f = compile(text);
    const got = idx.evaluate(f);
    if (got === null) {
      assert.ok(idx.unindexed(f).length > 0, text);
      continue;
    }
    indexed++;
    assert.deepEqual([...got], want, `index: ${text}`);
  }
  assert.ok(indexed > CASES.length * 0.7, `only ${indexed} of ${CASES.length} answered by the index`);
  // frame bytes, field lengths and layers are not indexed: the caller must re-dissect
  assert.equal(idx.evaluate(compile('frame contains "x"')), null);
  assert.deepEqual(idx.unindexed(compile('ip.src#2 == 1.2.3.4')), ['ip.src#: layer operator']);
});

test('the index drops columns over its memory cap and says so', () => {
  const idx = new FilterIndex({ fields: ['ip.src', 'tcp.srcport', 'tcp.dstport'], maxBytes: 1 });
  for (const d of capture) idx.add(d);
  const f = compile('tcp.port == 80');
  assert.equal(idx.evaluate(f), null);
  assert.match(idx.unindexed(f)[0]!, /memory cap/);
  // a field outside the chosen set is reported, never answered as absent
  assert.deepEqual(idx.unindexed(compile('udp.srcport == 1')), ['udp.srcport: not indexed']);
});

// [filter, message, start, end]
const ERRORS: Array<[string, string | RegExp, number, number]> = [
  // messages and spans as tshark 4.0 gives them
  ['tcp.prot', 'tcp.prot is neither a field nor a protocol name.', 0, 8],
  ['tcp.prot == 1', 'Left side of "==" expression must be a field or function, not tcp.prot.', 0, 8],
  ['tcp and foo.bar', 'foo.bar is neither a field nor a protocol name.', 8, 15],
  ['tcp.port == tcp.prot', '"tcp.prot" is not a valid number.', 12, 20],
  ['1 == tcp.port', 'Left side of "==" expression must be a field or function, not 1.', 0, 1],
  ['tcp AND ip', '"AND" was unexpected in this context.', 4, 7],
  ['tcp.port EQ 80', '"EQ" was unexpected in this context.', 9, 11],
  ['tcp.port == 80 80', '"80" was unexpected in this context.', 15, 17],
  ['tcp.port ==', 'Unexpected end of filter expression.', 11, 11],
  ['tcp.port == 80 ||', 'Unexpected end of filter expression.', 17, 17],
  ['not', 'Unexpected end of filter expression.', 3, 3],
  ['(tcp.port == 80', 'Unexpected end of filter expression.', 15, 15],
  ['tcp.port == 80)', '")" was unexpected in this context.', 14, 15],
  ['()', '")" was unexpected in this context.', 1, 2],
  ['tcp and and udp', '"and" was unexpected in this context.', 8, 11],
  ['tcp.port = 80', '"=" was unexpected in this context.', 9, 10],
  ['tcp.port == 80 @', '"@" was unexpected in this context.', 15, 16],
  ['http.host == "abc', 'The final quote was missing from a quoted string.', 13, 17],
  ['http.host == "a\\q"', '\\q is not a valid character escape sequence', 15, 17],
  ["tcp.len == 'ab'", "'ab' is too long to be a valid character constant.", 11, 15],
  ["tcp.len == 'a", 'The final quote was missing from a character constant.', 11, 13],
  ['tcp.port == "80"', 'Unsigned integer (2 bytes) cannot be converted from a string ("80").', 12, 16],
  ['tcp.port == 1.5', '"1.5" is not a valid number.', 12, 15],
  ['tcp.port == 70000', '"70000" too big for this field, maximum 65535.', 12, 17],
  ['ip.ttl == 18446744073709551616', '"18446744073709551616" causes an integer overflow.', 10, 30],
  ['tcp.flags.syn == true', '"true" cannot be found among the possible values for tcp.flags.syn.', 17, 21],
  ['tcp.flags.syn == yes', '"yes" cannot be found among the possible values for tcp.flags.syn.', 17, 20],
  ['ip.proto == tcp', 'ip.proto and tcp are not of compatible types.', 12, 15],
  ['ip.proto == "sctpx"', '"sctpx" cannot be found among the possible values for ip.proto.', 12, 19],
  ['ip.flags.df == "True"', '"True" cannot be found among the possible values for ip.flags.df.', 15, 21],
  ['ip.src == 1.2.3.4/33', 'Netmask bits in a CIDR IPv4 address should be <= 32, not 33', 10, 20],
  ['ip.src == 1.2.3', '"1.2.3" is not a valid hostname or IPv4 address.', 10, 15],
  ['ip.src == 300.1.1.1', '"300.1.1.1" is not a valid hostname or IPv4 address.', 10, 19],
  ['ip.src == 10.0.0.1/x', /not a valid IPv4 CIDR block/, 10, 20],
  ['ip.src == "10.0.0.1"', 'IPv4 address cannot be converted from a string ("10.0.0.1").', 10, 20],
  ['ipv6.src == 1.2.3.4', '"1.2.3.4" is not a valid hostname or IPv6 address.', 12, 19],
  ['ipv6.src == ::1/129', 'Prefix in a IPv6 address should be <= 128, not 129', 12, 19],
  ['ipv6.src == 1::2::3', '"1::2::3" is not a valid hostname or IPv6 address.', 12, 19],
  ['eth.src == 00:11:22', '"00:11:22" contains too few bytes to be a valid Ethernet address.', 11, 19],
  ['eth.src == 00:11:22:33:44:55:66', '"00:11:22:33:44:55:66" contains too many bytes to be a valid Ethernet address.', 11, 31],
  ['tcp.payload contains zz', '"zz" is not a valid byte string.', 21, 23],
  ['tcp.srcport[0:1] == 00', '"tcp.srcport" is a Unsigned integer (2 bytes) and cannot be sliced into a sequence of bytes.', 0, 11],
  ['frame[0:2', 'The right bracket was missing from a slice.', 9, 9],
  ['frame[a] == 00', '"a" is not a valid number.', 6, 7],
  ['frame[1:0] == 00', "Range 1:0 isn't valid because length 0 isn't positive", 6, 9],
  ['tcp.srcport contains 80', 'tcp.srcport (type=Unsigned integer (2 bytes)) cannot participate in contains comparison.', 0, 11],
  ['tcp.port matches "8"', 'tcp.port (type=Unsigned integer (2 bytes)) cannot participate in matches comparison.', 0, 8],
  ['http.host matches "("', /^Regex compilation error: /, 18, 21],
  ['http.host matches 5', 'Matches requires a double quoted string on the right side.', 18, 19],
  ['http.host matches http.user_agent', 'Matches requires a double quoted string on the right side.', 18, 33],
  ['len(1) == 2', 'Only fields can be used as parameter for len()', 4, 5],
  ['foo(tcp.port) == 2', "Function 'foo' does not exist", 0, 3],
  ['lower(tcp.port) == 2', 'Only string type fields can be used as parameter for lower()', 6, 14],
  ['count(tcp.port, ip.src) == 2', 'Function count can only accept 1 arguments.', 0, 5],
  ['max(80, tcp.port) == 80', "Argument '80' is not valid for max()", 4, 6],
  ['max(tcp.port, http.host) > 1', "'http.host' is not a valid argument to 'max'()", 14, 23],
  ['len(http.host)', 'You cannot test whether a function is present.', 0, 3],
  ['1 + 2 == tcp.port', 'Constant arithmetic expression on the LHS is invalid.', 0, 1],
  ['ip.src == ip.src + 1', 'FT_IPv4 cannot +.', 10, 16],
  ['tcp.port == 1 + \'a\'', "'a' is not a valid arithmetic operand.", 16, 19],
  ['tcp.port == -{tcp.len}', '"{" was unexpected in this context.', 13, 14],
  ['string(http.host) == "a"', 'String conversion for field "http.host" is not supported', 7, 16],
  ['frame.time == 1041342931.3', '"1041342931.3" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"', 14, 26],
  ['frame.time_delta in {0.1...7}', '"7" is not a valid protocol or protocol field.', 26, 28],
  ['tcp\r', 'Non-printable ASCII characters may only appear inside double-quotes.', 3, 4],
  ['ip.dst#[-1] == 1.2.3.4 and ip.ttl#-1 > 1', 'Expected digit or "[", not "-"', 34, 35],
  ['frame == $aaaa', '"aaaa" was unexpected in this context.', 10, 14],
  ['all tcp', 'Unexpected end of filter expression.', 7, 7],
  ['frame contains fc:', '":" was unexpected in this context.', 17, 18],
  ['${frame.number}', 'frame.number <FT_UINT32> is neither a field nor a protocol name.', 2, 14],
  ['tcp.port in {80 443}', '"443" was unexpected in this context.', 16, 19],
  ['tcp.port == {80, 25}', '"," was unexpected in this context.', 15, 16],
  ['tcp.port in {}', '"}" was unexpected in this context.', 13, 14],
  ['tcp.port in {80..}', '"}" was unexpected in this context.', 17, 18],
  ['tcp.port in 80', '"80" was unexpected in this context.', 12, 14],
  ['http.host == tcp.port', 'http.host and tcp.port are not of compatible types.', 13, 21],
  ['eth.src == ip.src', 'eth.src and ip.src are not of compatible types.', 11, 17],
  ['ip.src#x == 1.2.3.4', 'Expected digit or "[", not "x"', 7, 8],
  ['"abc"', '"abc" is neither a field nor a protocol name.', 0, 5],
  ['http.host + 1 == 2', 'FT_STRING cannot +.', 0, 9],
];

test('bad filters give Wireshark-like errors with the offending span', () => {
  assert.ok(ERRORS.length >= 40);
  const wrong: string[] = [];
  for (const [text, msg, start, end] of ERRORS) {
    const r = compileDisplayFilter(text);
    if (r.ok) { wrong.push(`${text}: compiled`); continue; }
    const { message: m, start: s, end: e } = r.error;
    if (typeof msg === 'string' ? m !== msg : !msg.test(m)) wrong.push(`${text}: message ${JSON.stringify(m)}`);
    if (s !== start || e !== end) wrong.push(`${text}: span [${s},${e}) for ${JSON.stringify(m)}`);
  }
  assert.deepEqual(wrong, []);
});

test('a compiled filter lists the fields it reads', () => {
  assert.deepEqual([...compile('ip.src == 1.2.3.4 or tcp.port in {80} and ip.src').fields].sort(), ['ip.src', 'tcp.port']);
});

test('completion offers registered fields under the cursor, then operators', () => {
  const r = completeFilter('ip.src == 1.2.3.4 && tcp.dst', 28);
  assert.equal(r.start, 21);
  assert.equal(r.end, 28);
  assert.deepEqual(r.items.map((i) => i.name), ['tcp.dstport']);
  assert.equal(r.items[0]!.type, 'uint');
  assert.equal(r.items[0]!.title, 'Destination Port');
  const mid = completeFilter('(ht) and tcp', 3);
  assert.deepEqual([mid.start, mid.end], [1, 3]);
  assert.ok(mid.items.some((i) => i.name === 'http' && i.kind === 'protocol'));
  assert.ok(mid.items.some((i) => i.name === 'http.host'));
  const ops = completeFilter('tcp.port ');
  assert.ok(ops.items.some((i) => i.name === '==' && i.kind === 'keyword'));
  assert.deepEqual(completeFilter('http.host == "tc').items, []);
  assert.ok(completeFilter('le').items.some((i) => i.name === 'len(' && i.kind === 'function'));
  // symbolic values after a comparison: Wireshark's value strings, the ones tshark accepts
  assert.deepEqual(completeFilter('ip.proto == u').items.map((i) => i.name).slice(0, 3), ['"UDP"', '"UTI"', '"UDPLite"']);
  assert.equal(completeFilter('ip.proto == "t').items[0]!.name, 'TCP');
  assert.equal(completeFilter('ip.proto == "t').items[0]!.title, 'TCP (6)');
  // a boolean's own true/false strings
  assert.deepEqual(completeFilter('ip.flags.df == ').items.map((i) => i.name), ['"Set"', '"Not set"']);
  // names Wireshark knows and we do not decode come after ours, marked
  const ipx = completeFilter('ipx.s');
  assert.ok(ipx.items.length > 0 && ipx.items.every((i) => i.title === 'not decoded by xdpscope'));
  assert.ok(ipx.items.some((i) => i.name === 'ipx.src.node' && i.type === 'ether'));
  const tc = completeFilter('tcp.chec').items;
  assert.ok(tc.findIndex((i) => i.title === 'not decoded by xdpscope') > tc.findIndex((i) => i.name === 'tcp.checksum'));
  // after "${": macros (with their arguments to come) and fields of the selected packet
  const macros = new Map([['private_ipv4', '$1 == 10.0.0.0/8'], ['web', 'tcp.port == 80']]);
  const m = completeFilter('tcp and ${', 10, 50, macros);
  assert.deepEqual([m.start, m.end], [10, 10]);
  assert.deepEqual(m.items.slice(0, 2).map((i) => [i.name, i.kind]), [['private_ipv4:', 'macro'], ['web}', 'macro']]);
  assert.deepEqual(completeFilter('${we', 4, 50, macros).items.map((i) => i.name), ['web}']);
  assert.ok(completeFilter('${ip.sr', 7, 50, macros).items.some((i) => i.name === 'ip.src}' && i.kind === 'field'));
});
