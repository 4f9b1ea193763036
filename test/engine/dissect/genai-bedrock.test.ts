// AWS Bedrock streaming responses: a stand-in Bedrock runtime (Node) answers
// invoke-with-response-stream (Anthropic chunks in base64, the last with
// amazon-bedrock-invocationMetrics) and converse-stream (a metadata event
// with the usage) in AWS event stream framing
// (application/vnd.amazon.eventstream, CRC-32 checked), to curl over
// HTTP/1.1 and h2c: the model and token counts come from the frames. A
// damaged frame stops the reading with a note, nothing thrown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { runPeers, peersSkipReason } from './peers';
import { ourFields } from './pcap-lib';
import { readEventStream } from '../../../main/engine/dissect/genai';

/** one event stream message with string headers */
const FRAME = `
const zlib = require('node:zlib');
function frame(headers, payload) {
  const hs = Buffer.concat(Object.entries(headers).map(([k, v]) => {
    const n = Buffer.from(k), val = Buffer.from(v), h = Buffer.alloc(4 + n.length + val.length);
    h[0] = n.length; n.copy(h, 1); h[1 + n.length] = 7; h.writeUInt16BE(val.length, 2 + n.length); val.copy(h, 4 + n.length);
    return h;
  }));
  const p = Buffer.from(JSON.stringify(payload));
  const pre = Buffer.alloc(12);
  pre.writeUInt32BE(16 + hs.length + p.length, 0); pre.writeUInt32BE(hs.length, 4); pre.writeUInt32BE(zlib.crc32(pre.subarray(0, 8)), 8);
  const body = Buffer.concat([pre, hs, p]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(body), 0);
  return Buffer.concat([body, crc]);
}
`;

const STANDIN = `${FRAME}
const http = require('node:http'), http2 = require('node:http2');
const chunk = (o) => frame({ ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' }, { bytes: Buffer.from(JSON.stringify(o)).toString('base64'), p: 'abcd' });
function handle(req, res) {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-bedrock-content-type': 'application/json' });
    if (req.url.endsWith('/invoke-with-response-stream')) {
      res.write(chunk({ type: 'message_start', message: { id: 'msg_bdrk_1', model: 'claude-3-haiku-20240307', usage: { input_tokens: 21, output_tokens: 1 } } }));
      res.write(chunk({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }));
      res.write(chunk({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }));
      res.end(chunk({ type: 'message_stop', 'amazon-bedrock-invocationMetrics': { inputTokenCount: 21, outputTokenCount: 9, invocationLatency: 300, firstByteLatency: 100 } }));
    } else {
      const ev = (type, o) => frame({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, o);
      res.write(ev('messageStart', { role: 'assistant' }));
      res.write(ev('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }));
      res.write(ev('messageStop', { stopReason: 'end_turn' }));
      res.end(ev('metadata', { usage: { inputTokens: 33, outputTokens: 4, totalTokens: 37 }, metrics: { latencyMs: 250 } }));
    }
  });
}
const port = Number(process.env.PORT);
const a = http.createServer(handle), b = http2.createServer(handle);
a.listen(port, process.env.HOST, () => b.listen(port + 1, process.env.HOST, () => console.log('listening')));
process.on('SIGTERM', () => { a.close(); b.close(); a.closeAllConnections(); process.exit(0); });
`;

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const call = (h2: boolean, op: string): string[] => ['curl', '-sS', '-o', '/dev/null', ...(h2 ? ['--http2-prior-knowledge'] : ['--http1.1']),
  '-H', 'content-type: application/json', '-d', JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hello' }] }] }),
  `http://{ip}:${h2 ? 8181 : 8180}/model/${encodeURIComponent(MODEL)}/${op}`];

test('Bedrock event stream responses: model and token counts over HTTP/1.1 and HTTP/2', { skip: peersSkipReason(), timeout: 90_000 }, async () => {
  const run = await runPeers(STANDIN, 8180, [call(false, 'invoke-with-response-stream'), call(false, 'converse-stream'),
    call(true, 'invoke-with-response-stream'), call(true, 'converse-stream')]);
  try {
    const rows = ourFields(run.pcap, ['gen_ai.system', 'gen_ai.request.model', 'gen_ai.request.stream', 'gen_ai.response.model',
      'gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'gen_ai.response.finish_reasons'], ['-Y', 'gen_ai.request_in']);
    const invoke = ['aws.bedrock', MODEL, '1', 'claude-3-haiku-20240307', '21', '9', 'end_turn'].join('\t');
    const converse = ['aws.bedrock', MODEL, '1', '', '33', '4', 'end_turn'].join('\t');
    assert.deepEqual(rows, [invoke, converse, invoke, converse]);
  } finally {
    run.dispose();
  }
});

test('a damaged event stream: what came before is read, the damage is named, nothing thrown', () => {
  const frame = new Function('require', `${FRAME}; return frame;`)(require) as (h: Record<string, string>, p: object) => Buffer;
  const good = frame({ ':event-type': 'metadata' }, { usage: { inputTokens: 5, outputTokens: 6 } });
  const found: Parameters<typeof readEventStream>[1] = {};
  assert.deepEqual(readEventStream(good, found), { events: 1 });
  assert.deepEqual([found.input, found.output], [5, 6]);
  const bad = Buffer.concat([good, good]);
  bad[good.length + 20] ^= 0xff;
  assert.match(readEventStream(bad, {}).error!, /message CRC mismatch at byte \d+/);
  const prelude = Buffer.from(good);
  prelude.writeUInt32BE(crc32(Buffer.from('x')), 8);
  assert.match(readEventStream(prelude, {}).error!, /prelude CRC/);
  assert.match(readEventStream(good.subarray(0, 30), {}).error!, /runs past the body/);
  // random bytes: bounded, never thrown
  for (let i = 0; i < 200; i++) readEventStream(Buffer.from(Array.from({ length: 64 }, (_, k) => (i * 31 + k * 17) & 255)), {});
});
