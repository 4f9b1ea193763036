// The engine parts the service drives, behind the shapes the service needs
// (tests give the service stand-ins of the same shapes).
import type { Dissection, RawPacket, CaptureInterface } from '../types';
import type { Completion } from '../../api/types';
import { Dissector } from '../dissect/index';
import { openCaptureFile as open } from '../file/open';
import { compileDisplayFilter as compile, type CompileResult } from '../filter/compile';
import { completeFilter } from '../filter/complete';

export interface DissectorLike {
  dissect(pkt: RawPacket): Dissection;
}

export function createDissector(): DissectorLike {
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
  return await open(path);
}

export function compileDisplayFilter(text: string): CompileResult {
  return compile(text);
}

/** The filter bar's completions, in the API's shape (the span to replace, label and detail per item). */
export function filterCompletions(text: string, cursor: number): Completion {
  const r = completeFilter(text, cursor);
  return { from: r.start, to: r.end, items: r.items.map((x) => ({ label: x.name, detail: x.title })) };
}
