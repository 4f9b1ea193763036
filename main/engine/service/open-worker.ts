// A decoding thread of the service's parallel open (open-pool.ts). In the
// 'rows' role it is sent the packets of the IP host pairs it owns, in file
// order, and answers each batch with its rows and index (open-rows.ts); in
// the 'insights' role it is sent every packet, in order, feeds the insights
// engine and answers snapshot requests.
import { parentPort, workerData } from 'node:worker_threads';
import { Dissector } from '../dissect/index';
import { InsightsEngine, insightsSnapshot } from '../insights/index';
import { openCaptureFile } from '../file/open';
import { RowMaker, rowsTransfer, type FromOpenWorker, type OpenJob, type ToOpenWorker } from './open-rows';
import { brokenDissection } from './broken';

const port = parentPort;
if (!port) throw new Error('the parallel open worker must run as a worker thread');
const job = workerData as OpenJob;

function fail(e: unknown): void {
  port!.postMessage({ t: 'fail', message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies FromOpenWorker);
  port!.close();
}

if (job.role === 'rows') {
  const maker = new RowMaker(job);
  port.on('message', (m: ToOpenWorker) => {
    if (m.t === 'end') { port.close(); return; }
    if (m.t !== 'packets') return;
    try {
      const r = maker.rows(m);
      port.postMessage(r satisfies FromOpenWorker, rowsTransfer(r));
    } catch (e) { fail(e); }
  });
} else {
  // Every packet, in file order, read by this thread itself: the detectors
  // follow sources across conversations, so no share of the file will do,
  // and reading here keeps the file's bytes out of a queue from the service.
  void (async () => {
    const dis = new Dissector({ tlsKeys: null });
    const engine = new InsightsEngine(job.insights);
    let stopAt = Infinity, finished = false, packets = 0;
    const asked: Array<{ id: number; final: boolean }> = [];
    const answer = (): void => {
      for (const q of asked.splice(0)) {
        if (q.final && !finished) { asked.push(q); continue; }
        port.postMessage({ t: 'insights', id: q.id, snapshot: insightsSnapshot(engine), final: finished, packets } satisfies FromOpenWorker);
      }
    };
    port.on('message', (m: ToOpenWorker) => {
      if (m.t === 'snapshot') { asked.push({ id: m.id, final: m.final }); if (m.stopAt !== undefined) stopAt = m.stopAt; }
      else if (m.t === 'end') port.close();
    });
    const file = await openCaptureFile(job.path!);
    try {
      read: for await (const batch of file.batches()) {
        for (const p of batch) {
          if (packets >= stopAt) break read;
          let d;
          try { d = dis.dissect(p); } catch (e) { d = brokenDissection(p, e); }
          try { engine.add(d); } catch { /* insights must never stop a load */ }
          packets++;
        }
        // snapshot requests and the stop are messages: let them in
        await new Promise<void>((r) => setImmediate(r));
        if (packets >= stopAt) break;
        answer();
      }
    } finally {
      await file.close().catch(() => undefined);
    }
    try { engine.finish(); } catch { /* as a one-thread load */ }
    finished = true;
    asked.push({ id: -1, final: true });
    answer();
  })().catch(fail);
}
