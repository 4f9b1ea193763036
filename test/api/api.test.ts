// The API's wire format and schema: typed arrays survive the binary codec,
// unknown methods and malformed params are refused with a clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeMessage, decodeMessage } from '../../main/api/codec';
import { validateCall, validateEvent, METHODS, DOMAINS, ApiError, apiError, toErrorInfo } from '../../main/api/index';

test('codec round-trips nested typed arrays, NaN and bigint', () => {
  const msg = {
    id: 7, ok: true,
    result: { a: new Uint32Array([1, 2, 0xffffffff]), b: new Float64Array([0.5, NaN]), c: new Uint8Array([9, 8, 7]), n: 5n, s: ['x', ''], inner: { d: new Uint8Array(0) } },
  };
  const back = decodeMessage(encodeMessage(msg)) as any;
  assert.deepEqual(Array.from(back.result.a), [1, 2, 0xffffffff]);
  assert.ok(back.result.a instanceof Uint32Array);
  assert.equal(back.result.b[0], 0.5);
  assert.ok(Number.isNaN(back.result.b[1]));
  assert.deepEqual(Array.from(back.result.c), [9, 8, 7]);
  assert.equal(back.result.n, 5n);
  assert.deepEqual(back.result.s, ['x', '']);
  assert.equal(back.result.inner.d.length, 0);
});

test('codec refuses truncated messages', () => {
  const bytes = encodeMessage({ x: new Uint32Array(100) });
  assert.throws(() => decodeMessage(bytes.subarray(0, bytes.length - 16)), /past the end/);
  assert.throws(() => decodeMessage(new Uint8Array(2)), /too short/);
});

test('validateCall accepts every method with good params and refuses the rest', () => {
  assert.ok(METHODS.includes('getRows'));
  assert.deepEqual(validateCall('getRows', { start: 0, count: 50 }).params, { start: 0, count: 50 });
  assert.throws(() => validateCall('openShell', {}), /unknown method/);
  assert.throws(() => validateCall('__proto__', {}), /unknown method/);
  assert.throws(() => validateCall('getRows', { start: 0 }), /invalid params for getRows: count/);
  assert.throws(() => validateCall('getRows', { start: 0, count: 10, extra: 1 }), /invalid params for getRows/);
  assert.throws(() => validateCall('startCapture', { iface: 'eth0; reboot' }), /iface/);
  const id = '0b9e4f3c-6a52-4d8e-9f1a-2c3b4d5e6f70';
  assert.throws(() => validateCall('uploadChunk', { id, offset: 0, bytes: 'not bytes' }), /bytes/);
  assert.ok(validateCall('uploadChunk', { id, offset: 0, bytes: new Uint8Array(4) }));
  assert.throws(() => validateCall('uploadChunk', { id, offset: 0, bytes: new Uint8Array((1 << 20) + 1) }), /a chunk is at most 1048576 bytes/);
  assert.throws(() => validateCall('uploadChunk', { id: '../x', offset: 0, bytes: new Uint8Array(4) }), /id/);
  assert.throws(() => validateCall('uploadBegin', { name: 'x.pcap', size: -1 }), /size/);
});

test('validateEvent drops unknown and malformed events', () => {
  assert.equal(validateEvent('nope', {}), null);
  assert.equal(validateEvent('error', { message: 1 }), null);
  assert.deepEqual(validateEvent('error', { message: 'x', kind: 'capture' }), { event: 'error', data: { message: 'x', kind: 'capture' } });
});

test('one error mapping: ApiError and foreign errors to ErrorInfo and back', () => {
  assert.deepEqual(toErrorInfo(new ApiError('no such file', 'file')), { message: 'no such file', kind: 'file' });
  assert.deepEqual(toErrorInfo(Object.assign(new Error('helper died'), { kind: 'capture' })), { message: 'helper died', kind: 'capture' });
  assert.deepEqual(toErrorInfo('boom'), { message: 'boom', kind: 'engine' });
  const back = apiError({ message: 'no such file', kind: 'file' });
  assert.ok(back instanceof Error);
  assert.equal(back.message, 'no such file');
  assert.equal(back.kind, 'file');
  assert.deepEqual(toErrorInfo(apiError(undefined)), { message: 'engine error', kind: 'engine' });
});

test('every method belongs to exactly one domain and has a params and a result schema', () => {
  const seen = new Map<string, string>();
  for (const [domain, calls] of Object.entries(DOMAINS)) {
    for (const [m, c] of Object.entries(calls)) {
      assert.equal(seen.get(m), undefined, `${m} is in ${seen.get(m)} and ${domain}`);
      seen.set(m, domain);
      assert.ok(c.params && c.result, `${domain}.${m}`);
    }
  }
  assert.deepEqual([...seen.keys()].sort(), [...METHODS].sort());
});
