// Beyond the stored oracle's columns: ~70 more fields compared with the
// tshark installed here (4.0 on Debian 12), capture by capture. Runs only
// where tshark is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CAPTURES, CLI, hasCommand, outputDir, sharedCapturesSkipReason } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
import { allFields } from '../../../main/engine/fields/registry';
import { FieldsFormatter, defaultFieldsOptions } from '../../../main/engine/output/fields';

/**
 * Every field we declare that tshark 4.0 knows too, read from `tshark -G fields`:
 * protocol items are left out (tshark prints their tree text, e.g. "Internet
 * Protocol Version 4, Src: …"), and so are GeoIP fields (tshark here has no database).
 */
function sharedFields(): string[] {
  const g = spawnSync('tshark', ['-G', 'fields'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const theirs = new Set(g.stdout.split('\n').map((l) => l.split('\t')[2]).filter(Boolean));
  // _ws.expert.*: our expert items are fewer than tshark's (no Chat-level ones); tested in cli/read-details
  return allFields().filter((f) => f.type !== 'protocol' && theirs.has(f.name) && !f.name.includes('.geoip.') && !f.name.startsWith('_ws.'))
    .map((f) => f.name).sort();
}

/** Justified differences: [capture, field, frame, why] — see the comments. */
type Known = [string, string, number, string];
/** One capture's differences for one reason: [field, frame] each. */
const known = (capture: string, why: string, ...cells: Array<[string, number]>): Known[] => cells.map(([field, frame]) => [capture, field, frame, why]);
const KNOWN: Known[] = [
  // the record's fraction is >= 1 s (damaged file): tshark does its time arithmetic on the raw fields
  ...known('tcpdump-timestamp_invalid_nano.pcap', 'raw-field time arithmetic', ['frame.time_relative', 3], ['frame.time_delta', 3],
    ['frame.time_delta_displayed', 3], ['frame.time', 2], ['frame.time', 3], ['tcp.analysis.ack_rtt', 3], ['tcp.analysis.initial_rtt', 3]),
  // data inside a MIME multipart body, which we do not decode
  ...known('zeek-ctu-62604-80.pcap', 'multipart parts', ['data.len', 9], ['data.data', 9], ['frame.protocols', 9]),
  // X.509 certificates are not decoded: frame.protocols stops at tls (as in oracle.test.ts)
  ...known('zeek-certificate-with-sct.pcap', 'x509 sub-layers', ['frame.protocols', 10]),
  ...known('zeek-chrome-34-google.pcap', 'x509 sub-layers', ['frame.protocols', 8]),
  // a fragment completely overlapped by a later one: tshark leaves it out of the list (and orders by offset)
  ...known('zeek-fragmented-4.pcap', 'overlapped fragment', ['ip.fragment', 5]),
];

const skip = sharedCapturesSkipReason() ?? (hasCommand('tshark') ? false : 'tshark not installed');

test('every field we share with tshark agrees with the installed tshark on every capture', { skip, timeout: 180_000 }, () => {
  const FIELDS = sharedFields();
  assert.ok(FIELDS.length > 300, `${FIELDS.length} shared fields`);
  const failures: string[] = [];
  const used = new Set<number>();
  let compared = 0;
  for (const cap of readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
    if (cap === 'gopacket-le-test202.pcapng') continue; // tshark lists custom blocks as frames (see oracle.test.ts)
    const path = join(CAPTURES, cap);
    const t = spawnSync('tshark', ['-r', path, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    const theirs = t.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
    const cap2 = parseCaptureBuffer(readFileSync(path));
    const dis = new Dissector({ geoip: null });
    const fmt = new FieldsFormatter(defaultFieldsOptions(FIELDS));
    const ours = cap2.packets.map((p) => fmt.line(dis.dissect(p)).replace(/\n$/, '').split('\t'));
    assert.equal(ours.length, theirs.length, `${cap}: frame count`);
    theirs.forEach((row, i) => {
      FIELDS.forEach((name, k) => {
        compared++;
        if ((row[k] ?? '') === (ours[i][k] ?? '')) return;
        const known = KNOWN.findIndex(([c, f, n]) => c === cap && f === name && n === i + 1);
        if (known >= 0) { used.add(known); return; }
        failures.push(`${cap} frame ${i + 1} ${name}: tshark '${row[k] ?? ''}', ours '${ours[i][k] ?? ''}'`);
      });
    });
  }
  console.log(`compared ${compared} values of ${FIELDS.length} fields with tshark, ${used.size} listed differences`);
  assert.deepEqual(failures, []);
  assert.deepEqual(KNOWN.filter((_, i) => !used.has(i)), [], 'every listed difference still occurs (the list stays honest)');
});

const hasText2pcap = hasCommand('text2pcap');

test('protocols recognised by port, first bytes, link layer or tunnel agree with tshark (frames made with text2pcap)', { skip: !hasCommand('tshark') || !hasText2pcap ? 'needs tshark and text2pcap' : false, timeout: 120_000 }, () => {
  const dir = outputDir('read-text2pcap');
  const dump = (b: Buffer): string => {
    const lines: string[] = [];
    for (let i = 0; i < b.length; i += 16) lines.push(`${i.toString(16).padStart(6, '0')} ${[...b.subarray(i, i + 16)].map((x) => x.toString(16).padStart(2, '0')).join(' ')}`);
    return lines.join('\n') + '\n';
  };
  const text = Buffer.from('USER anonymous\r\n');
  const binary = Buffer.from(Array.from({ length: 40 }, (_, i) => i + 1));
  const http = Buffer.from('GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
  const tlsBody = Buffer.from('0100002d0303' + '00'.repeat(32) + '000002130101000002ff01', 'hex');
  const tls = Buffer.concat([Buffer.from([0x16, 3, 1, 0, tlsBody.length]), tlsBody]);
  const cases: Array<[string, number, Buffer]> = [
    ...[21, 23, 110, 143, 445, 179, 6379, 5060, 3389, 8080, 80, 5556].map((p): [string, number, Buffer] => ['T', p, text]),
    ['T', 5556, http], ['T', 8080, http], ['T', 5555, tls], ['T', 443, tls], ['T', 443, binary],
    ...[123, 137, 514, 69, 547, 1900, 4789, 5353, 67, 161, 3478].map((p): [string, number, Buffer] => ['u', p, binary]),
    ['u', 1900, Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n')],
  ];
  const ipUdp = '4500001c00010000401100007f0000017f000001' + '0035003500080000';
  const mac = 'ffffffffffff020000000001';
  // [text2pcap options, frame or payload bytes]: link layers and tunnels
  const frames: Array<[string[], string]> = [
    [['-i', '47'], '00000800' + ipUdp], // GRE carrying IPv4
    [['-i', '2'], '1600fa04e00000fb'], [['-i', '2'], '2200f9f000000001040000000e0000fb'], // IGMP v2, v3
    [['-e', '0x88cc'], '0207040000000000010403020001060200780000'], // LLDP
    [[], '0180c2000000020000000001' + '0026424203' + '00'.repeat(39)], // 802.3 + LLC + STP
    [[], mac + '0030aaaa030000000800' + ipUdp + '00000000'], // 802.3 + SNAP + IPv4
    [[], mac + '88641100000100200021' + ipUdp + '00000000'], // PPPoE session + PPP + IPv4
    [[], mac + '8847000101ff' + ipUdp], // MPLS
    [[], mac + '0800' + '4500003800010000400100007f0000017f000001' + '0303000000000000' + ipUdp], // ICMP error
    [[], mac + '0800' + '4500003c00010000402900007f0000017f000001' + '6000000000081140' + '00'.repeat(15) + '01' + '00'.repeat(15) + '01' + '0035003500080000'], // 6in4
  ];
  const all: Array<[string[], Buffer, string]> = [
    ...cases.map(([kind, port, payload]): [string[], Buffer, string] => [[kind === 'T' ? '-T' : '-u', `40000,${port}`], payload, `${kind === 'T' ? 'tcp' : 'udp'} ${port} ${JSON.stringify(payload.toString('latin1').slice(0, 12))}`]),
    ...frames.map(([args, h]): [string[], Buffer, string] => [args, Buffer.from(h, 'hex'), `${args.join(' ') || 'raw frame'} ${h.slice(0, 40)}`]),
  ];
  const failures: string[] = [];
  all.forEach(([args, payload, what], i) => {
    const txt = join(dir, `case${i}.txt`), pcap = join(dir, `case${i}.pcap`);
    writeFileSync(txt, dump(payload));
    const g = spawnSync('text2pcap', ['-q', ...args, txt, pcap], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    const theirs = spawnSync('tshark', ['-r', pcap, '-T', 'fields', '-e', 'frame.protocols'], { encoding: 'utf8' }).stdout.trim();
    const p = parseCaptureBuffer(readFileSync(pcap)).packets[0];
    const ours = new Dissector({ geoip: null }).dissect(p).fields.find((f) => f.name === 'frame.protocols')?.value;
    if (ours !== theirs) failures.push(`${what}: tshark '${theirs}', ours '${ours}'`);
  });
  assert.deepEqual(failures, []);
});

test('strings print as tshark prints them (only CR, LF and tab escaped), and http.file_data is the decoded body up to a NUL', { skip: !hasCommand('tshark') || !hasText2pcap ? 'needs tshark and text2pcap' : false, timeout: 60_000 }, () => {
  const dir = outputDir('read-strings');
  const request = (headers: string, body: Buffer): Buffer =>
    Buffer.concat([Buffer.from(`POST /p HTTP/1.1\r\nHost: h\r\n${headers}Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
  const chunked = Buffer.from('POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n', 'latin1');
  const cases: Array<[string, Buffer]> = [
    ['backslash and control characters in a header, NUL in the body', request('User-Agent: a\\b\x01c\x1b\x7f\r\n', Buffer.from('q\\w\x01e\x00rty\r\nz', 'latin1'))],
    ['tab in a header; CR, LF, tab and non-ASCII bytes in the body', request('User-Agent: a\tb\\c\r\n', Buffer.from('l1\r\nl2\tx\\y\x7f\xc3\xa9\xff', 'latin1'))],
    ['a gzip body is shown decompressed', request('Content-Encoding: gzip\r\n', gzipSync(Buffer.from('compressed text\r\nline 2')))],
    ['a chunked body is shown without its framing', chunked],
  ];
  const fields = ['http.user_agent', 'http.file_data', 'http.request.line', 'http.content_length'].flatMap((f) => ['-e', f]);
  const failures: string[] = [];
  cases.forEach(([what, payload], i) => {
    const txt = join(dir, `case${i}.txt`), pcap = join(dir, `case${i}.pcap`);
    const lines: string[] = [];
    for (let o = 0; o < payload.length; o += 16) lines.push(`${o.toString(16).padStart(6, '0')} ${[...payload.subarray(o, o + 16)].map((x) => x.toString(16).padStart(2, '0')).join(' ')}`);
    writeFileSync(txt, lines.join('\n') + '\n');
    assert.equal(spawnSync('text2pcap', ['-q', '-T', '40000,80', '-4', '198.18.0.1,198.18.0.2', txt, pcap]).status, 0);
    const theirs = spawnSync('tshark', ['-r', pcap, '-T', 'fields', ...fields]).stdout as Buffer;
    const ours = spawnSync(process.execPath, [CLI, 'read', '-r', pcap, '-T', 'fields', ...fields]).stdout as Buffer;
    if (!ours.equals(theirs)) failures.push(`${what}:\n  tshark ${JSON.stringify(theirs.toString('latin1'))}\n  ours   ${JSON.stringify(ours.toString('latin1'))}`);
  });
  assert.deepEqual(failures, []);
});
