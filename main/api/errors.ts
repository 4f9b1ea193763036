// The error every face reports to the renderer as { message, kind }, and the
// one mapping between errors and that ErrorInfo across a boundary (engine
// thread, Electron IPC, WebSocket): every face answers a failed call with
// toErrorInfo(e) and turns a received ErrorInfo back with apiError(info).
// Apart from the zod schemas, so code that only raises or maps errors (the
// engine client the CLI loads) does not load zod.
import type { ErrorInfo } from './common';

export class ApiError extends Error {
  constructor(message: string, readonly kind: string = 'request') { super(message); }
  toInfo(): ErrorInfo { return { message: this.message, kind: this.kind }; }
}

/** What a failed call answers: an ApiError as it is, anything else as an engine error (its own kind when it has one). */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof ApiError) return e.toInfo();
  const kind = (e as { kind?: unknown } | null)?.kind;
  return { message: e instanceof Error ? e.message : String(e), kind: typeof kind === 'string' ? kind : 'engine' };
}

/** The error a caller throws for a received ErrorInfo (absent or malformed: an engine error). */
export function apiError(info: Partial<ErrorInfo> | null | undefined): ApiError {
  return new ApiError(typeof info?.message === 'string' ? info.message : 'engine error', typeof info?.kind === 'string' ? info.kind : 'engine');
}
