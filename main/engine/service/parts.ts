// The engine parts the service drives, loaded lazily so that the service
// starts (and reports a clear error) even while a part is being rebuilt.
import type { Dissection, RawPacket, CaptureInterface } from '../types';
import type { CompileResult } from '../filter/compile';

export interface DissectorLike {
  dissect(pkt: RawPacket): Dissection;
}

export function createDissector(): DissectorLike {
  const { Dissector } = require('../dissect/index') as typeof import('../dissect/index');
  return new Dissector();
}

export interface CaptureFileLike {
  batches(): AsyncIterable<readonly RawPacket[]>;
  /** set once reading stopped at damage */
  error?: { message: string; offset?: number } | null;
  meta?: { interfaces: CaptureInterface[] };
  interfaces?: CaptureInterface[];
  close?(): Promise<void> | void;
}

export async function openCaptureFile(path: string): Promise<CaptureFileLike> {
  const { openCaptureFile: open } = require('../file/open') as typeof import('../file/open');
  return await open(path);
}

export function compileDisplayFilter(text: string): CompileResult {
  const { compileDisplayFilter: compile } = require('../filter/compile') as typeof import('../filter/compile');
  return compile(text);
}

export function filterCompletions(text: string, cursor: number): { from: number; to: number; items: Array<{ label: string; detail?: string }> } {
  let m: any = null;
  try { m = require('../filter/complete'); } catch { /* not there: complete field names from the registry */ }
  if (m && typeof m.completeFilter === 'function') return normaliseCompletion(m.completeFilter(text, cursor), text, cursor);
  if (m && typeof m.complete === 'function') return normaliseCompletion(m.complete(text, cursor), text, cursor);
  const { completeField } = require('../fields/registry') as typeof import('../fields/registry');
  let from = cursor;
  while (from > 0 && /[\w.-]/.test(text[from - 1])) from--;
  const prefix = text.slice(from, cursor);
  if (!prefix) return { from, to: cursor, items: [] };
  return { from, to: cursor, items: completeField(prefix, 30).map((d) => ({ label: d.name, detail: d.title })) };
}

function normaliseCompletion(r: any, text: string, cursor: number) {
  if (Array.isArray(r)) {
    let from = cursor;
    while (from > 0 && /[\w.-]/.test(text[from - 1])) from--;
    return { from, to: cursor, items: r.map((x: any) => (typeof x === 'string' ? { label: x } : { label: String(x.label ?? x.name ?? x.text), detail: x.detail ?? x.title })) };
  }
  return {
    from: r.from ?? r.start ?? cursor,
    to: r.to ?? r.end ?? cursor,
    items: (r.items ?? r.completions ?? []).map((x: any) => (typeof x === 'string' ? { label: x } : { label: String(x.label ?? x.name ?? x.text), detail: x.detail ?? x.title })),
  };
}
