// A decoding thread of a parallel read (see read.ts): it is
// sent the packets of the IP host pairs it owns, in file order, and answers
// each batch with its lines' lengths (0: dropped by -Y) and the lines, back
// to back.
import { parentPort, workerData } from 'node:worker_threads';
import { GrowingSink } from '../output/writer';
import type { RawPacket } from '../types';
import { LineMaker } from './lines';
import * as P from './protocol';
import type { ReadJob, FromWorker, PacketBatch, ToWorker } from './protocol';

// as locals: imported constants are property reads on the module object in the per-packet loop
const { META, TIMES, F_NO_TS, F_NO_PREV, M_NUMBER, M_CAPLEN, M_ORIGLEN, M_LINKTYPE, M_IFACE, M_DATA, M_FILEOFF, M_TSSEC, M_TSFRAC, M_TSUNIT } = P;

const port = parentPort;
if (!port) throw new Error('the parallel read worker must run as a worker thread');
const maker = new LineMaker(workerData as ReadJob);
let sinkSize = 1 << 16;

function lines(b: PacketBatch): void {
  const { n, meta, times, flags, data, comments, extras } = b;
  const lens = new Int32Array(n);
  const sink = new GrowingSink(sinkSize);
  let c = 0, x = 0;
  for (let i = 0; i < n; i++) {
    const m = i * META, fl = flags[i];
    // `| 0`: small integers, as the file reader makes them (doubles would slow every later use)
    const at = meta[m + M_DATA] | 0, capLen = meta[m + M_CAPLEN] | 0;
    const number = meta[m + M_NUMBER];
    const p: RawPacket = {
      number: number <= 0x3fffffff ? number | 0 : number, tsNs: fl & F_NO_TS ? null : times[i * TIMES], capLen,
      origLen: meta[m + M_ORIGLEN], linkType: meta[m + M_LINKTYPE] | 0, interfaceId: meta[m + M_IFACE] | 0,
      data: data.subarray(at, at + capLen),
    };
    const fileOffset = meta[m + M_FILEOFF];
    if (fileOffset === fileOffset) p.fileOffset = fileOffset;
    const tsSec = meta[m + M_TSSEC];
    if (tsSec === tsSec) { p.tsSec = tsSec; p.tsFrac = meta[m + M_TSFRAC]; p.tsUnitNs = meta[m + M_TSUNIT]; }
    if (comments !== null && c < comments.length && comments[c][0] === i) p.comments = comments[c++][1];
    if (extras !== null && x < extras.length && extras[x][0] === i) Object.assign(p, extras[x++][1]);
    lens[i] = maker.line(p, b.first, fl & F_NO_PREV ? null : times[i * TIMES + 1], sink);
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
