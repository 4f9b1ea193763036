// A decoding thread of the service's parallel open (open-pool.ts): it is
// sent the packets of the IP host pairs it owns, in file order, and answers
// each batch with its rows, index and insights digests (open-rows.ts). The
// insights thread is open-insights-worker.ts (a module of its own: these
// threads load no insights engine).
import { workerSide } from './worker-side';
import { useMacNamesData } from '../enrich/manuf';
import { GeoIp } from '../enrich/geoip';
import { RowMaker, rowsTransfer, type FromOpenWorker, type OpenJob, type ToOpenWorker } from './open-rows';

const { port, job, fail } = workerSide<OpenJob>('the parallel open worker');

// the service thread loaded these once for every thread
if (job.shared) {
  useMacNamesData(job.shared.manuf);
  GeoIp.useDefaultData(job.shared.geoip);
}
const maker = new RowMaker(job);
port.on('message', (m: ToOpenWorker) => {
  if (m.t === 'end') { port.close(); return; }
  if (m.t !== 'packets') return;
  try {
    const r = maker.rows(m);
    port.postMessage(r satisfies FromOpenWorker, rowsTransfer(r));
  } catch (e) { fail(e); }
});
