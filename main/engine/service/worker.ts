// The engine's thread: receives API calls from the face (Electron main or
// the browser server) and answers them, so decoding and filtering never
// block the face's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { EngineHost } from './host';

if (!parentPort) throw new Error('engine worker must run in a worker thread');
const port = parentPort;
const host = new EngineHost((ev) => port.postMessage(ev), { uploadDir: workerData?.uploadDir });

port.on('message', (msg: any) => {
  if (msg && msg.shutdown) {
    void host.service.shutdown().finally(() => port.postMessage({ shutdownDone: true }));
    return;
  }
  void host.handle(msg).then((res) => port.postMessage(res));
});
