// No fault of one connection ends `xdpscope serve`: each attack below used to
// kill the process (anyone on the machine could do the first three without
// the token). After each, the server must still answer HTTP and its API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { assertAlive, closed, frameHeader, rawExchange, rawWebSocket, startServe, upgradeRequest, type Serve } from './serve-process';
import { MAX_MESSAGE } from '../../main/server/server';

let sv: Serve;
before(async () => { sv = await startServe(); });
after(async () => { assert.equal(await sv.stop(), 0, 'serve stops cleanly'); });

test('a malformed cookie is refused, not a crash (was URIError)', async () => {
  const bad = '%E0%A4%A';
  const got = await rawExchange(sv.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${sv.port}\r\nCookie: xdpscope_token=${bad}; xdpscope_token_${sv.port}=${bad}\r\nConnection: close\r\n\r\n`);
  assert.match(got, /^HTTP\/1\.1 403/);
  await assertAlive(sv, 'a malformed cookie');
});

test('an absolute or invalid request target gets 400 (was TypeError from new URL)', async () => {
  for (const target of ['http://[', '//x', '*', 'http://127.0.0.1/']) {
    const got = await rawExchange(sv.port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${sv.port}\r\nConnection: close\r\n\r\n`);
    assert.match(got, /^HTTP\/1\.1 400/, `target ${target}`);
    const up = await rawExchange(sv.port, upgradeRequest(sv.port).replace('GET /ws ', `GET ${target} `));
    assert.match(up, /^HTTP\/1\.1 400/, `upgrade to ${target}`);
  }
  await assertAlive(sv, 'invalid request targets');
});

test('bytes the HTTP parser refuses get 400', async () => {
  const got = await rawExchange(sv.port, 'NOT HTTP AT ALL\r\n\r\n');
  assert.match(got, /^HTTP\/1\.1 400/);
  await assertAlive(sv, 'garbage');
});

test('refused WebSocket upgrades followed by a reset (was uncaught ECONNRESET)', async () => {
  for (let i = 0; i < 20; i++) {
    const got = await rawExchange(sv.port, upgradeRequest(sv.port, { Origin: `http://127.0.0.1:${sv.port}` }), { reset: true });
    assert.match(got, /^HTTP\/1\.1 401/);
  }
  // and resets before any answer
  for (let i = 0; i < 20; i++) {
    await new Promise<void>((resolve) => {
      const s = require('node:net').connect(sv.port, '127.0.0.1', () => { s.write(upgradeRequest(sv.port).slice(0, 30)); s.resetAndDestroy(); resolve(); });
      s.on('error', () => resolve());
    });
  }
  await assertAlive(sv, 'refused upgrades and resets');
});

test('with the token: a frame announcing 1 GiB closes that connection only (was RangeError: Max payload size exceeded)', async () => {
  const s = await rawWebSocket(sv);
  s.write(frameHeader(0x2, 1n << 30n));
  await closed(s);
  await assertAlive(sv, 'a 1 GiB frame header');
});

test('with the token: a close frame with a 200-byte reason closes that connection only', async () => {
  const s = await rawWebSocket(sv);
  const payload = Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.alloc(198, 0x61)]);
  const mask = [1, 2, 3, 4];
  s.write(Buffer.concat([frameHeader(0x8, payload.length), Buffer.from(payload.map((b, i) => b ^ mask[i % 4]))]));
  await closed(s);
  await assertAlive(sv, 'an oversized close reason');
});

test(`with the token: a message over the ${MAX_MESSAGE >> 20} MiB limit is refused with close code 1009`, async () => {
  const ws = new WebSocket(`ws://127.0.0.1:${sv.port}/ws`, { headers: { cookie: sv.cookie, origin: `http://127.0.0.1:${sv.port}` } });
  await new Promise((r) => ws.on('open', r));
  ws.on('error', () => undefined);
  const code = await new Promise<number>((resolve) => {
    ws.on('close', (c) => resolve(c));
    ws.send(Buffer.alloc(MAX_MESSAGE + 1));
  });
  assert.equal(code, 1009);
  await assertAlive(sv, 'an oversized message');
});

test('with the token: a text frame, an undecodable message and a multibyte error reason close that connection only', async () => {
  for (const [data, binary] of [['hello', false], [Buffer.from([0xff, 0xfe, 0xfd]), true], [Buffer.from('é'.repeat(300)), true]] as const) {
    const ws = new WebSocket(`ws://127.0.0.1:${sv.port}/ws`, { headers: { cookie: sv.cookie, origin: `http://127.0.0.1:${sv.port}` } });
    await new Promise((r) => ws.on('open', r));
    ws.on('error', () => undefined);
    const code = await new Promise<number>((resolve) => { ws.on('close', (c) => resolve(c)); ws.send(data, { binary }); });
    assert.ok(code === 1003 || code === 1007, `closed with ${code}`);
  }
  await assertAlive(sv, 'bad messages');
});
