// TCP fields that follow tshark 4.0 rules beyond the header bytes: the window
// scale factor (shown on non-SYNs only: -1 unknown, -2 none, else 2^shift),
// the option items (protocol items carry their bytes; End of Option List does
// not end the walk), duplicate ACKs (tshark's expert item repeats the field),
// a header cut before the window (nothing after the ports), and the segment
// data / reassembly items of PDUs that span segments. Each is compared with
// the installed tshark on every shared capture, in full mode and in
// field-subset mode (all of them together, and each alone: the fields are
// gated separately).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CAPTURES, hasCommand, sharedCapturesSkipReason } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
import { FieldsFormatter, defaultFieldsOptions } from '../../../main/engine/output/fields';
import type { RawPacket } from '../../../main/engine/types';
import { tcpFrameBytes } from '../../lib/tcp-frame';
import { pcapFile, secondsApart } from '../../lib/pcap';

const FIELDS = [
  'tcp.window_size_scalefactor', 'tcp.window_size',
  'tcp.options.sack_perm', 'tcp.options.eol', 'tcp.options.nop', 'tcp.option_kind', 'tcp.option_len',
  'tcp.analysis.duplicate_ack', 'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame', 'tcp.analysis.flags',
  'tcp.seq_raw', 'tcp.ack_raw',
  'tcp.segment_data', 'tcp.segments', 'tcp.segment', 'tcp.segment.count', 'tcp.reassembled.length', 'tcp.reassembled.data',
  'tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack', 'tcp.analysis.zero_window',
  // the header fields a cut header still shows
  'tcp.stream', 'tcp.completeness', 'tcp.len', 'tcp.hdr_len', 'tcp.flags', 'tcp.window_size_value', 'tcp.checksum', 'tcp.urgent_pointer',
];

/** fields no shared capture has: the crafted capture below covers them */
const CRAFTED_ONLY = new Set(['tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack', 'tcp.analysis.zero_window']);

const skip = sharedCapturesSkipReason() ?? (hasCommand('tshark') ? false : 'tshark not installed');

/** Compares FIELDS on one capture, in full mode, subset mode and each field alone; returns the differences. */
function compareCapture(path: string, name: string, shown: Map<string, number>): string[] {
  const failures: string[] = [];
  const t = spawnSync('tshark', ['-r', path, '-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const theirs = t.stdout.split('\n').slice(0, -1).map((l) => l.split('\t'));
  const { packets } = parseCaptureBuffer(readFileSync(path));
  assert.equal(packets.length, theirs.length, `${name}: frame count`);
  theirs.forEach((row) => FIELDS.forEach((f, k) => { if (row[k]) shown.set(f, (shown.get(f) ?? 0) + 1); }));
  const compare = (mode: string, fields: string[], ours: string[][]): void => {
    theirs.forEach((row, i) => fields.forEach((f, k) => {
      const want = row[FIELDS.indexOf(f)] ?? '', got = ours[i][k] ?? '';
      if (want !== got) failures.push(`${name} frame ${i + 1} ${f} (${mode}): tshark '${want.slice(0, 40)}', ours '${got.slice(0, 40)}'`);
    }));
  };
  compare('full', FIELDS, ourRows(packets, FIELDS, false));
  compare('subset', FIELDS, ourRows(packets, FIELDS, true));
  for (const f of FIELDS) compare(`only ${f}`, [f], ourRows(packets, [f], true));
  return failures;
}

function ourRows(packets: RawPacket[], fields: string[], subset: boolean): string[][] {
  const dis = new Dissector({ geoip: null, ...(subset ? { fields } : {}) });
  const fmt = new FieldsFormatter(defaultFieldsOptions(fields));
  return packets.map((p) => fmt.line(dis.dissect(p)).replace(/\n$/, '').split('\t'));
}

test('TCP scale factor, options, duplicate ACKs, short headers and segment data agree with tshark on every capture', { skip, timeout: 120_000 }, () => {
  const failures: string[] = [];
  const shown = new Map<string, number>(FIELDS.map((f) => [f, 0]));
  let captures = 0;
  for (const cap of readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
    if (cap === 'gopacket-le-test202.pcapng') continue; // tshark lists custom blocks as frames (see oracle.test.ts)
    captures++;
    failures.push(...compareCapture(join(CAPTURES, cap), cap, shown));
  }
  assert.ok(captures >= 25, `${captures} captures`);
  // every field occurs somewhere, so no comparison is empty on both sides (keep-alives: in the crafted capture below)
  assert.deepEqual([...shown].filter(([f, n]) => n === 0 && !CRAFTED_ONLY.has(f)).map(([f]) => f), []);
  assert.deepEqual(failures.slice(0, 30), []);
});

// --- crafted edge cases the shared captures lack ------------------------------

const C = '198.18.0.1', V = '198.18.0.2';
const SYN = 2, ACK = 16, PSH = 8;

/** An Ethernet/IPv4/TCP frame; caplen cuts the captured bytes. */
interface Frame { bytes: Buffer; caplen?: number }

function tcpFrame(src: string, dst: string, sp: number, dp: number, seq: number, ack: number, flags: number, opts: number[] = [], payload: Buffer | string = '', win = 1000): Frame {
  const p = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  return { bytes: tcpFrameBytes(src, dst, sp, dp, seq, ack, flags, opts, p, win) };
}

/** One direction's segments, numbered on from seq. */
function segments(out: Frame[], from: string, to: string, sp: number, dp: number, st: { seq: number }, ack: number, parts: Array<Buffer | string>): void {
  for (const x of parts) {
    const b = typeof x === 'string' ? Buffer.from(x, 'latin1') : x;
    out.push(tcpFrame(from, to, sp, dp, st.seq, ack, ACK | PSH, [], b));
    st.seq += b.length;
  }
}

function edgeCapture(): Buffer {
  const f: Frame[] = [];
  // window scale on both SYNs; a keep-alive carrying one old byte (no segment data in tshark)
  f.push(tcpFrame(C, V, 40000, 5555, 1000, 0, SYN, [2, 4, 5, 180, 3, 3, 7, 4, 2]));
  f.push(tcpFrame(V, C, 5555, 40000, 5000, 1001, SYN | ACK, [2, 4, 5, 180, 3, 3, 2]));
  f.push(tcpFrame(C, V, 40000, 5555, 1001, 5001, ACK));
  f.push(tcpFrame(C, V, 40000, 5555, 1001, 5001, ACK | PSH, [], '0123456789'));
  f.push(tcpFrame(V, C, 5555, 40000, 5001, 1011, ACK));
  f.push(tcpFrame(C, V, 40000, 5555, 1010, 5001, ACK, [], 'x'));
  f.push(tcpFrame(C, V, 40000, 5555, 1011, 5001, ACK | PSH, [], 'abcde'));
  // a keep-alive without data; duplicate ACKs (the same ack and window at the next sequence number), not with a zero window
  f.push(tcpFrame(C, V, 40000, 5555, 1015, 5001, ACK));
  f.push(tcpFrame(V, C, 5555, 40000, 5001, 1016, ACK));
  f.push(tcpFrame(V, C, 5555, 40000, 5001, 1016, ACK));
  f.push(tcpFrame(V, C, 5555, 40000, 5001, 1016, ACK));
  f.push(tcpFrame(V, C, 5555, 40000, 5001, 1016, ACK, [], '', 0));
  f.push(tcpFrame(V, C, 5555, 40000, 5001, 1016, ACK, [], '', 0));
  // a SYN with window scale whose SYN-ACK was not captured: the client's windows scale, the server's are unknown
  f.push(tcpFrame(C, V, 40001, 6666, 7000, 0, SYN, [3, 3, 3, 1, 1, 0, 5, 5]));
  f.push(tcpFrame(C, V, 40001, 6666, 7001, 9001, ACK | PSH, [], 'hello'));
  f.push(tcpFrame(V, C, 6666, 40001, 9001, 7006, ACK | PSH, [], 'world'));
  // TLS records across segments: two PDU ends and a start in one segment
  const rec = (n: number): Buffer => Buffer.concat([Buffer.from([23, 3, 3, n >> 8, n & 255]), Buffer.alloc(n, 0x41)]);
  const tls = Buffer.concat([rec(300), rec(50), rec(400), rec(10)]);
  const ts = { seq: 3000 };
  segments(f, C, V, 40002, 443, ts, 1, [[0, 100], [100, 250], [250, 330], [330, 600], [600, 760], [760, tls.length]].map(([a, b]) => tls.subarray(a, b)));
  // bytes after End of Option List, a bad option length; a SYN-ACK with window scale answering a SYN without
  f.push(tcpFrame(C, V, 40003, 7777, 100, 0, SYN, [1, 0, 9, 9]));
  f.push(tcpFrame(V, C, 7777, 40003, 200, 101, SYN | ACK, [3, 3, 5, 8, 1]));
  f.push(tcpFrame(C, V, 40003, 7777, 101, 201, ACK));
  // after End of Option List: zero bytes are more EOL items, a non-zero byte ends the walk
  f.push(tcpFrame(C, V, 40007, 7778, 1, 0, SYN, [2, 4, 5, 180, 0, 1, 1, 1]));
  f.push(tcpFrame(C, V, 40008, 7778, 1, 0, SYN, [0, 0, 1, 0]));
  f.push(tcpFrame(V, C, 7777, 40003, 201, 101, ACK));
  // HTTP: split header block, chunked body ending mid-segment before the next response, HEAD with Content-Length
  const cs = { seq: 11 }, ss = { seq: 21 };
  segments(f, C, V, 40004, 80, cs, 21, ['GET / HTTP/1.1\r\nHo', 'st: a\r\n\r\n']);
  segments(f, V, C, 80, 40004, ss, cs.seq, ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel', 'lo\r\n0\r', '\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab', 'c']);
  segments(f, C, V, 40004, 80, cs, ss.seq, ['HEAD / HTTP/1.1\r\n', 'Host: a\r\n\r\n']);
  segments(f, V, C, 80, 40004, ss, cs.seq, ['HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n', 'HTTP/1.1 404 No', 't Found\r\nContent-Length: 0\r\n\r\n']);
  // DNS over TCP: a length split from its message, the next message's length in the completing segment
  const q = Buffer.from('001dabcd01000001000000000000076578616d706c6503636f6d0000010001', 'hex');
  segments(f, C, V, 40005, 53, { seq: 31 }, 1, [q.subarray(0, 1), q.subarray(1, 20), Buffer.concat([q.subarray(20), q.subarray(0, 3)]), q.subarray(3)]);
  // a direction that starts with a pure ACK: its first data counts for tcp.completeness
  f.push(tcpFrame(C, V, 40009, 9999, 500, 600, ACK));
  f.push(tcpFrame(C, V, 40009, 9999, 500, 600, ACK | PSH, [], 'abc'));
  f.push(tcpFrame(V, C, 9999, 40009, 600, 503, ACK | PSH, [], 'xyz'));
  // data and FIN without ACK do not count for tcp.completeness
  f.push(tcpFrame(C, V, 40010, 9998, 1, 0, 0, [], 'a'));
  f.push(tcpFrame(C, V, 40010, 9998, 2, 0, 0, [], 'b'));
  f.push(tcpFrame(C, V, 40010, 9998, 3, 0, 1));
  f.push(tcpFrame(C, V, 40010, 9998, 4, 5, ACK));
  // a header cut after 12 bytes (nothing past the ports), after 16 (up to the window), after 18 (the checksum too)
  const cut = tcpFrame(C, V, 40006, 8888, 1, 1, ACK);
  f.push({ bytes: cut.bytes, caplen: 14 + 20 + 12 });
  f.push({ bytes: cut.bytes, caplen: 14 + 20 + 16 });
  f.push({ bytes: cut.bytes, caplen: 14 + 20 + 18 });
  return pcapFile(f.map((p) => ({ data: p.bytes.subarray(0, p.caplen), origLen: p.bytes.length })), { usAt: secondsApart });
}

test('crafted TCP edge cases (keep-alive, lost SYN-ACK, EOL, HTTP/TLS/DNS PDU ends, cut headers) agree with tshark', { skip: hasCommand('tshark') ? false : 'tshark not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-tcp-'));
  try {
    const path = join(dir, 'edge.pcap');
    writeFileSync(path, edgeCapture());
    const shown = new Map<string, number>();
    assert.deepEqual(compareCapture(path, 'edge.pcap', shown).slice(0, 30), []);
    // the cases are really there (tshark's view)
    for (const f of ['tcp.window_size_scalefactor', 'tcp.options.eol', 'tcp.segment_data', 'tcp.segment', ...CRAFTED_ONLY, 'tcp.analysis.duplicate_ack', 'tcp.seq_raw']) {
      assert.ok((shown.get(f) ?? 0) > 0, `${f} occurs in the crafted capture`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
