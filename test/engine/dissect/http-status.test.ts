// HTTP status codes named from one table for HTTP/1.x and HTTP/2, as
// tshark 4.0 names them: every code from 100 to 999 in a response's
// http.response.code.desc ("Unknown (N)" without a name), and in HTTP/2's
// Info and :status header line ("N Unknown"), with the value read as
// strtoul does (a leading number; none is 0, which has no name), and
// http2.headers.status only for a value that is a number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CLI, outputDir } from '../../lib/env';
import { compareFrames, tsharkSkip } from './compare';
import { tcpConversation } from './tshark-compare';
import { run } from './pcap-lib';

const CODES = Array.from({ length: 900 }, (_, i) => String(100 + i));
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];

test('HTTP/1.1: http.response.code.desc of every code from 100 to 999 agrees with tshark', { skip: tsharkSkip() }, () => {
  const msgs: Array<[boolean, number[]]> = CODES.flatMap((c): Array<[boolean, number[]]> => [
    [true, ascii('GET / HTTP/1.1\r\nHost: a\r\n\r\n')], [false, ascii(`HTTP/1.1 ${c} X\r\nContent-Length: 0\r\n\r\n`)]]);
  const r = compareFrames('http-status-1', tcpConversation(40000, 80, msgs), ['http.response.code', 'http.response.code.desc', '_ws.col.Info']);
  assert.ok(r.frames >= 2 * CODES.length, `${r.frames} frames`);
  assert.deepEqual(r.diffs, []);
});

/** One HTTP/2 frame. */
const h2 = (type: number, flags: number, stream: number, payload: number[]): number[] =>
  [payload.length >> 16, (payload.length >> 8) & 255, payload.length & 255, type, flags, stream >>> 24, (stream >> 16) & 255, (stream >> 8) & 255, stream & 255, ...payload];

test('HTTP/2: the name after a :status in Info and in the header line agrees with tshark, odd values too', { skip: tsharkSkip() }, () => {
  // past the codes, values tshark reads as no number (http2.headers.status absent) or as one
  const values = [...CODES, '200abc', 'abc', '', ' 12', ' 404', '+12', '1e3', '0x10', '012', '12 ', '70000', '4294967297', '-1', '1.0'];
  const msgs: Array<[boolean, number[]]> = [[true, [...ascii('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), ...h2(4, 0, 0, [])]], [false, h2(4, 0, 0, [])]];
  values.forEach((v, i) => {
    // GET http://a/ (static table), then :status as a literal with :status's name (index 8), not Huffman-coded
    msgs.push([true, h2(1, 5, 1 + 2 * i, [0x82, 0x86, 0x84, 0x41, 1, 0x61])]);
    msgs.push([false, h2(1, 5, 1 + 2 * i, [0x08, v.length, ...ascii(v)])]);
  });
  const r = compareFrames('http-status-2', tcpConversation(40001, 8080, msgs), ['http2.headers.status', '_ws.col.Info']);
  assert.ok(r.frames >= 2 * values.length, `${r.frames} frames`);
  assert.deepEqual(r.diffs, []);
  const path = join(outputDir('dissect-compare'), 'http-status-2.pcap');
  const lines = (out: string): string[] => out.split('\n').filter((l) => l.includes('Header: :status'));
  const theirs = lines(run('tshark', ['-r', path, '-V']));
  assert.equal(theirs.length, values.length);
  assert.deepEqual(lines(run(process.execPath, [CLI, 'read', '-r', path, '-V'])), theirs);
});
