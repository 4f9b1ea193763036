// File-system errors as a user should read them: what went wrong, with the
// path, in one sentence. The original errno code stays available for callers
// that branch on it.

export class SessionFileError extends Error {
  /** errno code (ENOENT, EACCES, ...) or our own ('EEXIST' for refused overwrites, 'EFORMAT' for unreadable files, 'EABORT') */
  readonly code: string;
  readonly path: string;
  constructor(code: string, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionFileError';
    this.code = code;
    this.path = path;
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a component of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EEXIST: 'the file already exists (pass overwrite: true to replace it)',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the file name is too long',
  ELOOP: 'too many symbolic links in the path',
  EIO: 'input/output error on the device',
};

/**
 * Wrap an error from fs with a friendly message naming the path and what we
 * were doing ("open", "save", ...). Errors that are already SessionFileErrors
 * pass through unchanged.
 */
export function friendlyFsError(err: unknown, action: string, path: string): SessionFileError {
  if (err instanceof SessionFileError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
  return new SessionFileError(code, path, `Cannot ${action} "${path}": ${fsReason(err)}`, { cause: err });
}

/** Why an fs call failed, in words ("permission denied"), without the path. */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return (code && REASONS[code]) ?? (err instanceof Error ? err.message : String(err));
}

export function abortError(path: string, action: string): SessionFileError {
  return new SessionFileError('EABORT', path, `${action} of "${path}" was cancelled`);
}
