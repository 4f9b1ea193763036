// Live capture from the Node side.
//
//   import { listInterfaces, startCapture } from './engine/capture';
//
//   const ifaces = await listInterfaces();        // HostInterface[] (unprivileged)
//   await checkCaptureFilter('tcp port 443');     // {ok, terms} | {ok: false, message} (unprivileged)
//   const cap = startCapture({ iface: 'eth0', filter: 'tcp port 443', snaplen: 262144 });
//   cap.on('hello', (h: HelloInfo) => ...);       // ifindex, linkType, mode used, snaplen
//   cap.on('stats', (s: CaptureStats) => ...);    // ≥ 1/s: seen, delivered, ringDrops, filtered, ...
//   cap.on('error', (e: CaptureError) => ...);    // the helper's one-line message + exit code
//   cap.on('exit', (x: CaptureExit) => ...);      // code, signal, last stats (final after a clean stop)
//   for await (const batch of cap) { ... }        // RawPacket[]; numbers start at 1
//   for await (const rb of cap.records()) { ... } // or the same batches as RecordBatch (records.ts):
//                                                 // the buffer and offsets, no object per packet;
//                                                 // pcapngWriter.writeRecords(iface, rb) writes them
//   await cap.setFilter('not port 22');           // rejects with the helper's message if invalid
//   await cap.pause(); await cap.resume(); await cap.setSample(10);
//                                                 // each rejects after commandTimeoutMs without a reply (and the capture stops)
//   await cap.block('198.18.0.9', 600);          // drop its received frames for 600 s (helper/PROTOCOL.md)
//   await cap.unblock('198.18.0.9'); await cap.blocks();
//   const exit = await cap.stop();                // detach, drain, final stats
//
// Packets' data are views into the chunk read from the helper (a
// RecordBatch's buf): copy them if kept beyond the batch. The iterator ends when the helper exits, and throws
// a CaptureError when it failed (bad interface, filter, privileges, foreign
// XDP program: see helper/PROTOCOL.md for exit codes). Without an 'error'
// listener, failures surface only through the iterator and 'exit'.
//
// Backpressure: when more than highWaterPackets wait for the consumer the
// stream is paused; the helper then stops draining its ring and the kernel
// counts ring drops (stats.ringDrops). Nothing is dropped silently: after a
// clean stop, seen == delivered + ringDrops + filtered + paused.
export { listInterfaces, type HostInterface, type InterfaceAddress } from './interfaces';
export { startCapture, HelperCapture, CaptureError, HELPER_EXIT, helperArgs, type HelperCaptureOptions, type CaptureExit, type CaptureDirection, type HelperBlock } from './live';
export { CAPTURE_FILTER_MAX_BYTES, captureFilterProblem, normalizeCaptureFilter } from './filter-limit';
export { HelperStreamDecoder, type HelloInfo, type CaptureStats, type Reply } from './protocol';
export { RecordBatch } from './records';
export { helperPath } from './helper-path';
export { checkCaptureFilter, type CaptureFilterCheck } from './filter-check';
