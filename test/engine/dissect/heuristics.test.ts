// Which protocol a stream on an unregistered port is, as tshark 4.0 decides
// with its default heuristics: HTTP and TLS on any port (enabled), ONC-RPC
// on any TCP port (enabled), but not DNP3 nor TPKT/S7comm away from their
// ports (tshark's dnp3 and tpkt heuristics are off by default): those stay
// data. Compared cell by cell with tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFrames, tsharkSkip } from './compare';
import { tcpFrameBytes } from '../../lib/tcp-frame';
import { dnpLinkFrame } from './dnp3-frame';

const C = '198.18.0.1', S = '198.18.0.2';
const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

/** A client's first data segment to `port` after a handshake. */
function stream(port: number, cport: number, payload: number[]): Buffer[] {
  return [
    tcpFrameBytes(C, S, cport, port, 100, 0, 0x02, [], Buffer.alloc(0), 64240),
    tcpFrameBytes(S, C, port, cport, 500, 101, 0x12, [], Buffer.alloc(0), 64240),
    tcpFrameBytes(C, S, cport, port, 101, 501, 0x10, [], Buffer.alloc(0), 64240),
    tcpFrameBytes(C, S, cport, port, 101, 501, 0x18, [], Buffer.from(payload), 64240),
  ];
}

test('streams on unregistered ports are what tshark\'s default heuristics say', { skip: tsharkSkip() }, () => {
  const hello = [0x16, 3, 1, 0, 45, 1, 0, 0, 41, 3, 3, ...new Array(32).fill(7), 0, 0, 2, 0x13, 0x01, 1, 0, 0, 0];
  const rpcCall = [...u32(0x80000000 | 40), ...u32(0x1234), ...u32(0), ...u32(2), ...u32(100000), ...u32(2), ...u32(4), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const frames = [
    ...stream(8081, 41001, [...Buffer.from('GET /admin HTTP/1.1\r\nHost: plc.example\r\n\r\n')]),
    ...stream(9443, 41002, hello),
    ...stream(33007, 41003, rpcCall),
    ...stream(20001, 41004, dnpLinkFrame(0xc4, 10, 1, [0xc0, 0xc1, 0x01, 60, 1, 6])),
    ...stream(30109, 41005, [3, 0, 0, 7, 2, 0xf0, 0x80, 0x32, 1, 0, 0, 0, 1, 0, 2, 0, 0, 0x29, 0].slice(0, 19)),
  ];
  const r = compareFrames('heuristics', frames, ['frame.protocols', 'tcp.stream', '_ws.col.Protocol', '_ws.col.Info']);
  console.log(`# heuristics: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
  // the frames that carry data: http, tls, rpc, then data twice
  const protos = r.theirs.filter((_, i) => i % 4 === 3).map((row) => row[0].split(':').slice(4).join(':'));
  assert.deepEqual(protos, ['http', 'tls', 'rpc', 'data', 'data']);
});
