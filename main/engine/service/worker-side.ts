// The worker side of a job the service thread hands to a thread: its port,
// its data, and the one way a failure is reported (the pool turns a 'fail'
// message into the open's error). Kept apart from open-rows.ts so a thread
// that dissects nothing (the insights lane) does not load the dissectors.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';

export interface WorkerSide<J> {
  port: MessagePort;
  job: J;
  fail(e: unknown): void;
}

export function workerSide<J>(what: string): WorkerSide<J> {
  const port = parentPort;
  if (!port) throw new Error(`${what} must run as a worker thread`);
  return {
    port,
    job: workerData as J,
    fail(e: unknown): void {
      port.postMessage({ t: 'fail', message: e instanceof Error ? e.stack ?? e.message : String(e) });
      port.close();
    },
  };
}
