// A decoding thread of a parallel read (see read.ts): it is
// sent the packets of the IP host pairs it owns, in file order, and answers
// each batch with its lines' lengths (0: dropped by -Y) and the lines, back
// to back.
import { parentPort, workerData } from 'node:worker_threads';
import { GrowingSink } from '../output/writer';
import { LineMaker } from './lines';
import { prevOf, unpack } from './batch';
import type { ReadJob, FromWorker, PacketBatch, ToWorker } from './protocol';

const port = parentPort;
if (!port) throw new Error('the parallel read worker must run as a worker thread');
const maker = new LineMaker(workerData as ReadJob);
let sinkSize = 1 << 16;

function lines(b: PacketBatch): void {
  const { n, comments, extras } = b;
  if (b.units !== undefined) maker.setUnits(b.units);
  const lens = new Int32Array(n);
  const sink = new GrowingSink(sinkSize);
  let c = 0, x = 0;
  for (let i = 0; i < n; i++) {
    const comment = comments !== null && c < comments.length && comments[c][0] === i ? comments[c++][1] : undefined;
    const extra = extras !== null && x < extras.length && extras[x][0] === i ? extras[x++][1] : undefined;
    lens[i] = maker.line(unpack(b, i, comment, extra), b.first, prevOf(b, i), sink);
  }
  sinkSize = Math.max(sinkSize, sink.pos);
  const msg: FromWorker = { t: 'lines', lens, buf: sink.buf, bytes: sink.pos };
  // transferred, not copied
  (port as NonNullable<typeof port>).postMessage(msg, [lens.buffer as ArrayBuffer, sink.buf.buffer as ArrayBuffer]);
}

port.on('message', (m: ToWorker) => {
  if (m.t === 'end') { port.close(); return; }
  try {
    lines(m);
  } catch (e) {
    // reported by the reading thread, which owns stderr and the exit status
    port.postMessage({ t: 'fail', message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies FromWorker);
    port.close();
  }
});
