// NSS key log (SSLKEYLOGFILE) secrets for TLS decryption, keyed by the
// ClientHello random, as Wireshark's tls.keylog_file reads them. Sources: a
// file (re-read as it grows, so a live capture decrypts as the client writes
// keys), text given directly, and pcapng Decryption Secrets Blocks.
// Bounded: at most MAX_RANDOMS client randoms (oldest forgotten first), and
// a file is read at most MAX_FILE_BYTES in total.
import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';

/** The labels of the NSS key log format we use (others are skipped). */
export const KEYLOG_LABELS = [
  'CLIENT_RANDOM', // TLS ≤ 1.2: the 48-byte master secret
  'CLIENT_EARLY_TRAFFIC_SECRET',
  'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
  'SERVER_HANDSHAKE_TRAFFIC_SECRET',
  'CLIENT_TRAFFIC_SECRET_0',
  'SERVER_TRAFFIC_SECRET_0',
  'EARLY_EXPORTER_SECRET',
  'EXPORTER_SECRET',
] as const;
export type KeylogLabel = typeof KEYLOG_LABELS[number];
const LABELS = new Set<string>(KEYLOG_LABELS);

const MAX_RANDOMS = 100_000;
/** one line: the longest label and two hex values (secrets are 32 or 48 bytes: SHA-256/384 outputs, the master secret) */
const MAX_LINE = 400;
const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** the file's size is looked at most this often (a miss per record must not stat per record) */
const RECHECK_MS = 200;

const HEX = /^[0-9a-fA-F]+$/;

/** pcapng Decryption Secrets Block type 'TLSK': an NSS key log */
export const TLS_KEY_LOG_SECRETS = 0x544c534b;

/**
 * The tls.keylog_file preference (Preferences → TLS): every Dissector made
 * without an explicit key log uses it, as every Wireshark dissection reads
 * the one preference. null: none.
 */
let preferred: TlsKeyLog | null = null;

export function setTlsKeylogPreference(path: string | null): TlsKeyLog | null {
  preferred = path === null ? null : TlsKeyLog.fromFile(path);
  return preferred;
}

export function tlsKeylogPreference(): TlsKeyLog | null {
  return preferred;
}

export class TlsKeyLog {
  /** client random (hex, lower case) → label → secret */
  private readonly byRandom = new Map<string, Map<string, Buffer>>();
  path: string | null = null;
  private fileOffset = 0;
  /** an incomplete last line of the file, kept until its newline arrives */
  private partial = '';
  private lastCheck = 0;
  /** why the file could not be read, once (the dissector notes it per connection) */
  fileError: string | null = null;
  /** times the file was found grown and read */
  reads = 0;
  /** lines skipped because they were malformed */
  badLines = 0;
  /** pulls secrets added elsewhere since the last call (pcapng DSBs as the reader meets them) */
  private pulls: Array<() => string | null> = [];
  /**
   * label + client random asked for and missing: the first miss of each
   * looks at the file at once (a live client writes a secret just before it
   * uses it); repeated misses only every RECHECK_MS (bounded by MAX_RANDOMS)
   */
  private readonly missed = new Set<string>();
  /** client randoms a dissection found secrets for: what a saved session carries (bounded by byRandom) */
  private readonly used = new Set<string>();
  /** asked for what this log lacks (a capture's own secrets, then the user's key log, read when asked: the preference may change) */
  private fallback: () => TlsKeyLog | null = () => null;

  /** Reads a key log file now, and again when it has grown (live capture). */
  static fromFile(path: string): TlsKeyLog {
    const k = new TlsKeyLog();
    k.path = path;
    k.readFile();
    // a file that ends without a newline: its last line is complete unless the writer is mid-line; later reads wait for the newline
    if (k.partial) { k.addLine(k.partial); k.partial = ''; }
    return k;
  }

  static fromText(text: string): TlsKeyLog {
    const k = new TlsKeyLog();
    k.addText(text);
    return k;
  }

  /** A source polled for new key log text (e.g. the pcapng reader's Decryption Secrets Blocks). */
  addSource(pull: () => string | null): void {
    this.pulls.push(pull);
  }

  /**
   * A capture file's Decryption Secrets Blocks (pcapng DSBs), a list that
   * grows as the reader meets them: the TLS key logs among them are added
   * when a secret is missing.
   */
  addSecretsBlocks(list: () => ReadonlyArray<{ type: number; text: string }>): void {
    let taken = 0;
    this.addSource(() => {
      const l = list();
      let text = '';
      for (; taken < l.length; taken++) if (l[taken].type === TLS_KEY_LOG_SECRETS) text += l[taken].text;
      return text || null;
    });
  }

  /** Secrets this log lacks are looked up in `f()` (this one's own win). */
  withFallback(f: () => TlsKeyLog | null): this {
    this.fallback = f;
    return this;
  }

  get size(): number { return this.byRandom.size; }

  /** Holds any secret, its sources looked at first (the log's own: not the fallback's). */
  holdsAny(): boolean {
    this.refresh();
    return this.byRandom.size > 0;
  }

  /** Adds key log text: one `LABEL <client random hex> <secret hex>` per line; comments (#) and unknown labels skipped. */
  addText(text: string): void {
    let start = 0;
    while (start < text.length) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = text.length;
      this.addLine(text.slice(start, nl));
      start = nl + 1;
    }
  }

  private addLine(raw: string): void {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.length > MAX_LINE) { this.badLines++; return; }
    const parts = line.split(/\s+/);
    if (parts.length !== 3) { this.badLines++; return; }
    const [label, random, secret] = parts;
    if (!LABELS.has(label)) return; // RSA, ECDH... lines: not used
    if (random.length !== 64 || !HEX.test(random) || !(secret.length === 96 || (secret.length === 64 && label !== 'CLIENT_RANDOM')) || !HEX.test(secret)) {
      this.badLines++;
      return;
    }
    const key = random.toLowerCase();
    let m = this.byRandom.get(key);
    if (!m) {
      if (this.byRandom.size >= MAX_RANDOMS) {
        const oldest = this.byRandom.keys().next().value as string;
        this.byRandom.delete(oldest);
      }
      m = new Map();
      this.byRandom.set(key, m);
    }
    if (!m.has(label)) m.set(label, Buffer.from(secret, 'hex'));
  }

  /** The secret for a connection, or undefined; looks for new key log text first when it is missing. */
  secret(label: KeylogLabel, clientRandom: Uint8Array): Buffer | undefined {
    const key = Buffer.from(clientRandom.buffer, clientRandom.byteOffset, clientRandom.length).toString('hex');
    let s = this.byRandom.get(key)?.get(label);
    if (s === undefined) {
      const miss = label + key;
      const first = !this.missed.has(miss);
      if (first) {
        if (this.missed.size >= MAX_RANDOMS) this.missed.clear();
        this.missed.add(miss);
      }
      if (this.refresh(first)) s = this.byRandom.get(key)?.get(label);
    }
    if (s === undefined) {
      const f = this.fallback();
      return f !== null && f !== this ? f.secret(label, clientRandom) : undefined;
    }
    if (this.used.size < MAX_RANDOMS) this.used.add(key);
    return s;
  }

  /** Has any secret for this client random? */
  has(clientRandom: Uint8Array): boolean {
    const key = Buffer.from(clientRandom.buffer, clientRandom.byteOffset, clientRandom.length).toString('hex');
    if (this.byRandom.has(key)) return true;
    if (this.refresh() && this.byRandom.has(key)) return true;
    const f = this.fallback();
    return f !== null && f !== this && f.has(clientRandom);
  }

  /**
   * Key log text (what a Decryption Secrets Block carries): the secrets of
   * the connections a dissection used, or (all) every one held. A user's
   * key log holds every session of their browser: a saved capture carries
   * only its own.
   */
  text(all = false): string {
    let out = '';
    for (const [random, m] of this.byRandom) {
      if (!all && !this.used.has(random)) continue;
      for (const [label, secret] of m) out += `${label} ${random} ${secret.toString('hex')}\n`;
    }
    const f = this.fallback();
    return f !== null && f !== this ? out + f.text(all) : out;
  }

  /** Pulls new text from the sources and the file; true when something may have been added. */
  private refresh(force = false): boolean {
    let added = false;
    for (const p of this.pulls) {
      const t = p();
      if (t) { this.addText(t); added = true; }
    }
    if (this.path !== null) {
      const now = Date.now();
      if (force || now - this.lastCheck >= RECHECK_MS) {
        this.lastCheck = now;
        if (this.readFile()) added = true;
      }
    }
    return added;
  }

  /** Reads what the file gained since the last read; true when it had grown. */
  private readFile(): boolean {
    if (this.path === null || this.fileOffset >= MAX_FILE_BYTES) return false;
    let fd = -1;
    try {
      // a key log is a plain file; O_NONBLOCK so a FIFO put in its place cannot hang the dissector
      fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
      const st = fstatSync(fd);
      if (!st.isFile()) { this.fileError = `${this.path}: not a regular file`; return false; }
      if (st.size < this.fileOffset) { this.fileOffset = 0; this.partial = ''; } // rewritten from the start
      if (st.size === this.fileOffset) return false;
      const want = Math.min(st.size, MAX_FILE_BYTES) - this.fileOffset;
      const buf = Buffer.alloc(want);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, buf, got, want - got, this.fileOffset + got);
        if (n <= 0) break;
        got += n;
      }
      this.fileOffset += got;
      this.reads++;
      const text = this.partial + buf.subarray(0, got).toString('latin1');
      const nl = text.lastIndexOf('\n');
      // the writer may be mid-line: keep the tail until its newline (bounded: a line is short)
      this.partial = nl < 0 ? text : text.slice(nl + 1);
      if (this.partial.length > MAX_LINE) this.partial = '';
      if (nl >= 0) this.addText(text.slice(0, nl));
      this.fileError = null;
      return got > 0;
    } catch (e) {
      this.fileError = `${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      return false;
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  }
}
