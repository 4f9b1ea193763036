// WorkerLane: the feeder's view of one decoding thread (parallel read and
// the pooled open): answers in the order sent, and a thread's failure
// thrown, with its number, at the feeder's next step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { WorkerLane, type LaneMessage } from '../../../main/engine/parallel/lane';
import { BatchBuilder } from '../../../main/engine/parallel/batch';

type Msg = { t: 'n'; n: number } | { t: 'fail'; message: string } | { t: 'note' };
const read = (m: Msg): LaneMessage<number> => (m.t === 'n' ? { answer: m.n } : m.t === 'fail' ? { failure: m.message } : undefined);

/** A thread answering each batch with its packet count; `behaviour` changes what it does on the batch numbered `at`. */
function thread(behaviour: 'ok' | 'fail' | 'exit', at = 2): Worker {
  return new Worker(`
    const { parentPort } = require('node:worker_threads');
    let k = 0;
    parentPort.on('message', (m) => {
      if (m.t === 'end') { process.exit(0); }
      k++;
      parentPort.postMessage({ t: 'note' });
      if (k === ${at} && '${behaviour}' === 'fail') parentPort.postMessage({ t: 'fail', message: 'damaged batch' });
      else if (k === ${at} && '${behaviour}' === 'exit') process.exit(3);
      else parentPort.postMessage({ t: 'n', n: m.n });
    });`, { eval: true });
}

function batch(packets: number) {
  const b = new BatchBuilder(packets, packets * 60);
  for (let i = 0; i < packets; i++) {
    b.add({ number: i + 1, tsNs: BigInt(i), capLen: 60, origLen: 60, linkType: 1, interfaceId: 0, data: new Uint8Array(60) }, i ? BigInt(i - 1) : null);
  }
  return b.batch(null);
}

test('answers come back in the order the batches went, and end() lets the thread exit', async () => {
  const lane = new WorkerLane(thread('ok'), 0, read);
  for (const n of [3, 1, 4]) lane.send(batch(n));
  assert.deepEqual([await lane.next(), await lane.next(), await lane.next()], [3, 1, 4]);
  const exited = new Promise((r) => lane.worker.once('exit', r));
  lane.end();
  assert.equal(await exited, 0);
  assert.equal(lane.failure, null, 'an exit after end() is not a failure');
});

test("a thread's own failure is thrown by the next step, naming the thread", async () => {
  const lane = new WorkerLane(thread('fail'), 1, read);
  // the first answer taken before the second batch goes: a failure reported first would be thrown first
  lane.send(batch(2));
  assert.equal(await lane.next(), 2);
  lane.send(batch(5));
  await assert.rejects(lane.next(), /^Error: decoding thread 2: damaged batch$/);
  assert.throws(() => lane.send(batch(1)), /decoding thread 2: damaged batch/);
  lane.end(true);
});

test('a thread that exits before its last batch fails the lane instead of leaving next() waiting', async () => {
  const lane = new WorkerLane(thread('exit'), 2, read);
  lane.send(batch(2));
  assert.equal(await lane.next(), 2);
  lane.send(batch(7));
  await assert.rejects(lane.next(), /decoding thread 3: exited \(code 3\) before its last batch/);
});
