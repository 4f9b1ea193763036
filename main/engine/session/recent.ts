// The recent-files list: most recent first, bounded, persisted as JSON in
// the config dir and written atomically (a crash never leaves half a list).
// The list says what the user opened: it is kept as privately as the files
// (0600 in a 0700 folder of the user's own; file/private.ts).
import { promises as fsp } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ensurePrivateDir } from '../file/private';
import { writeSmallFileAtomically } from './atomic';
import { friendlyFsError } from './errors';
import { recentFilesPath } from './paths';

export interface RecentFile {
  path: string;
  /** ISO time it was last opened or saved */
  openedAt: string;
  /** filled in by list(): false when the file no longer exists or cannot be read */
  exists?: boolean;
}

export const RECENT_DEFAULT_LIMIT = 20;

export class RecentFiles {
  readonly file: string;
  readonly limit: number;
  constructor(opts: { file?: string; limit?: number } = {}) {
    this.file = opts.file ?? recentFilesPath();
    this.limit = Math.max(1, opts.limit ?? RECENT_DEFAULT_LIMIT);
  }

  private async read(): Promise<RecentFile[]> {
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const raw = JSON.parse(text) as { files?: unknown };
      const files = Array.isArray(raw.files) ? raw.files : [];
      return files
        .filter((f): f is RecentFile => !!f && typeof (f as RecentFile).path === 'string')
        .map((f) => ({ path: f.path, openedAt: typeof f.openedAt === 'string' ? f.openedAt : new Date(0).toISOString() }));
    } catch {
      return []; // a corrupt list is not worth an error dialog
    }
  }

  private async write(files: RecentFile[]): Promise<void> {
    try {
      ensurePrivateDir(dirname(this.file));
    } catch (err) {
      throw friendlyFsError(err, 'update the recent-files list', this.file);
    }
    const body = JSON.stringify({ version: 1, files: files.map(({ path, openedAt }) => ({ path, openedAt })) }, null, 2) + '\n';
    await writeSmallFileAtomically(this.file, body, { overwrite: true, action: 'update the recent-files list' });
  }

  /** The list, most recent first, each marked with whether the file still exists. */
  async list(): Promise<RecentFile[]> {
    const files = (await this.read()).slice(0, this.limit);
    return Promise.all(files.map(async (f) => ({ ...f, exists: await fsp.access(f.path).then(() => true, () => false) })));
  }

  /** Move (or add) a path to the top; older entries beyond the limit drop off. */
  async add(path: string, when: Date = new Date()): Promise<RecentFile[]> {
    const abs = resolve(path);
    const files = (await this.read()).filter((f) => f.path !== abs);
    files.unshift({ path: abs, openedAt: when.toISOString() });
    const bounded = files.slice(0, this.limit);
    await this.write(bounded);
    return this.list();
  }

  async remove(path: string): Promise<void> {
    const abs = resolve(path);
    await this.write((await this.read()).filter((f) => f.path !== abs));
  }

  /** Drop every entry whose file is gone. */
  async pruneMissing(): Promise<RecentFile[]> {
    const kept = (await this.list()).filter((f) => f.exists);
    await this.write(kept);
    return kept;
  }

  async clear(): Promise<void> {
    await this.write([]);
  }
}
