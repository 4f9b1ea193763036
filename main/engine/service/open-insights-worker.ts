// The insights thread of the service's parallel open (open-pool.ts,
// InsightsLane): it is sent every packet, in file order, with the digest the
// decoding thread that dissected it made (insights/digest.ts), feeds the
// insights engine and answers snapshot requests. No packet is dissected here.
import { workerSide } from './worker-side';
import { InsightsEngine, snapshotInsights } from '../insights/index';
import { DigestReader } from '../insights/digest';
import { unpack } from '../parallel/batch';
import type { FeedMsg, FromOpenWorker, OpenJob, ToOpenWorker } from './open-rows';

const { port, job, fail } = workerSide<OpenJob>('the parallel open insights worker');

// Every packet, in file order, from the decoding threads' digests (no
// dissection here): the detectors follow sources across conversations, so
// no share of the file will do.
const engine = new InsightsEngine(job.insights);
const readers = Array.from({ length: job.lanes ?? 0 }, () => new DigestReader());
let stopAt = Infinity, finished = false, packets = 0;
const feed = (m: FeedMsg): void => {
  const b = m.packets, { owners, digests } = m;
  for (let w = 0; w < readers.length; w++) readers[w].accept(digests[w]);
  const at = new Int32Array(readers.length);
  const comments = b.comments, extras = b.extras;
  let c = 0, x = 0;
  for (let k = 0; k < b.n && packets < stopAt; k++) {
    const comment = comments !== null && c < comments.length && comments[c][0] === k ? comments[c++][1] : undefined;
    const extra = extras !== null && x < extras.length && extras[x][0] === k ? extras[x++][1] : undefined;
    const w = owners[k];
    const d = readers[w].read(digests[w], at[w]++, unpack(b, k, comment, extra));
    try { engine.add(d); } catch { /* insights must never stop a load */ }
    packets++;
  }
};
const snapshot = (id: number): FromOpenWorker => ({ t: 'insights', id, snapshot: snapshotInsights(engine), final: finished, packets });
port.on('message', (m: ToOpenWorker) => {
  try {
    if (m.t === 'feed') {
      if (!finished) feed(m);
      port.postMessage({ t: 'fed' } satisfies FromOpenWorker);
    } else if (m.t === 'snapshot') {
      // messages come in the order they were sent: a final request follows the last feed
      if (m.final && !finished) {
        if (m.stopAt !== undefined) stopAt = m.stopAt;
        try { engine.finish(); } catch { /* as a one-thread load */ }
        finished = true;
      }
      port.postMessage(snapshot(m.id));
    } else if (m.t === 'end') port.close();
  } catch (e) { fail(e); }
});
