// The error every face reports to the renderer as { message, kind }. Apart
// from the zod schemas, so code that only raises or maps errors (the engine
// client the CLI loads) does not load zod.
import type { ErrorInfo } from './types';

export class ApiError extends Error {
  constructor(message: string, readonly kind: string = 'request') { super(message); }
  toInfo(): ErrorInfo { return { message: this.message, kind: this.kind }; }
}
