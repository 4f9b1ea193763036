// Files a browser uploads (it cannot hand the engine a path): written to a
// private folder before they are opened, removed when the service shuts down.
import { basename, join } from 'node:path';
import { tmpdir } from 'node:os';
import { rmSync } from 'node:fs';
import { ensurePrivateDir, writePrivateFile } from '../file/private';

export class Uploads {
  /** where uploads were written: removed at shutdown */
  private made: string | null = null;

  constructor(private readonly dir?: string) {}

  /** Stores an upload; returns the path to open. */
  store(name: string, data: Uint8Array): string {
    const dir = this.dir ?? join(tmpdir(), `xdpscope-uploads-${process.pid}`);
    ensurePrivateDir(dir);
    this.made = dir;
    const safe = basename(name).replace(/[^\w.+-]/g, '_') || 'upload.pcap';
    const path = join(dir, `${Date.now()}-${safe}`);
    writePrivateFile(path, data);
    return path;
  }

  dispose(): void {
    if (this.made) rmSync(this.made, { recursive: true, force: true });
  }
}
