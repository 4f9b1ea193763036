// Opening a capture file (or a browser's upload of one, in chunks), following
// and cancelling its load, the recent-files list.
import type { Status } from '../../../api/index';
import { ApiError } from '../../../api/index';
import type { EngineService } from '../service';
import type { OpenCapture } from '../open-capture';
import type { DisplayedList } from '../list';
import { errMessage } from '../open-capture';
import { cleanColumns } from '../session-view';
import { openSession } from '../../session/open';
import { SessionFileError } from '../../session/errors';
import type { SessionMetadata } from '../../session/metadata';
import { compileDisplayFilter } from '../../filter/compile';
import { InsightsEngine } from '../../insights/index';
import { Colouring, cleanColouringRules } from '../../colour/colouring';
import type { Handlers } from './types';
import { type DecodeAsRule, parseDecodeAs } from '../../dissect/decode-as';

export function fileHandlers(svc: EngineService): Handlers<'file'> {
  return {
    getStatus: async () => svc.status(),
    openFile: async (p) => openFile(svc, p.path),
    uploadBegin: async (p) => svc.uploads.uploadBegin(p.name, p.size),
    uploadChunk: async (p) => svc.uploads.uploadChunk(p.id, p.offset, p.bytes),
    uploadEnd: async (p) => svc.uploads.uploadEnd(p.id, (path) => openFile(svc, path)),
    uploadAbort: async (p) => svc.uploads.uploadAbort(p.id),
    cancelOpen: async () => {
      svc.list.cancelPasses();
      await svc.cap.cancelLoad(waitFor, 2000);
      return svc.status();
    },
    recentSessions: async () => svc.persistence.recentList(),
  };
}

/** Opens a capture file in place of whatever is open; resolves once its first batch is in (or it failed). */
export async function openFile(svc: EngineService, path: string): Promise<Status> {
  const cap = await svc.replace('file', path);
  const abort = new AbortController();
  cap.openAbort = abort;
  let session: Awaited<ReturnType<typeof openSession>>;
  try {
    session = await openSession(path, {
      signal: abort.signal,
      onProgress: (p) => { if (cap.reading) cap.progress = { bytesRead: p.bytesRead, size: p.size }; },
    });
  } catch (e) {
    if (!cap.reading) throw new ApiError(`opening ${path} was cancelled`, 'file');
    cap.state = 'error';
    cap.finishedAt = Date.now();
    // SessionFileError messages already name the path and the reason (no such file, permission denied, not a capture)
    const msg = e instanceof SessionFileError ? e.message : `cannot open ${path}: ${errMessage(e)}`;
    cap.fail(msg, 'file');
    throw new ApiError(msg, 'file');
  }
  if (!cap.reading) { await session.close(); return svc.status(); }
  cap.progress = { bytesRead: session.bytesRead, size: session.size };
  cap.comments = session.comments;
  const defaultInsights = cap.insights;
  applySessionMetadata(cap, svc.list, session.metadata, session.ours, session.notices);
  // a session's insights settings, once applied, become the user's: the next capture (live, on that network) keeps its thresholds and policy
  if (cap.insights !== defaultInsights) svc.insightsSettings = structuredClone(cap.insights.settings);
  if (!session.compressed) {
    try { cap.store.attachFile(path); } catch { /* frames then stay in memory */ }
  }
  svc.pushStatus(true);
  void cap.readFile(session, path).then(() => {
    if (cap.reading && cap.state === 'done') void svc.persistence.addRecent(path);
  });
  // Let the first batch land so the caller's first getRows has rows.
  await waitFor(() => cap.store.count > 0 || cap.state !== 'loading', 1000);
  return svc.status();
}

/** Our session's display filter and insight settings apply before the packets are read. */
function applySessionMetadata(cap: OpenCapture, list: DisplayedList, meta: SessionMetadata, ours: boolean, notices: string[]): void {
  const colouring = cleanColouringRules(meta.colouringRules);
  if (colouring.dropped) notices.push(`${colouring.dropped} saved colouring rule(s) were malformed and are ignored`);
  // a session shows the colours it was saved with (packets are read after this)
  if (ours && colouring.rules.length) cap.colouring = new Colouring(colouring.rules);
  cap.session = {
    ours,
    displayFilter: meta.displayFilter,
    columns: cleanColumns(meta.columns),
    selectedPacket: meta.selectedPacket,
    colouringRules: colouring.rules,
    capture: meta.capture ? { interface: meta.capture.interface, mode: meta.capture.mode, filter: meta.capture.filter } : undefined,
    insights: meta.insights,
    notices,
    commentedFrames: [],
  };
  if (!ours) return;
  cap.view = { columns: cap.session.columns, selectedPacket: meta.selectedPacket };
  if (meta.displayFilter.trim()) {
    const r = compileDisplayFilter(meta.displayFilter);
    if (r.ok) list.useFilter(r.filter, meta.displayFilter);
    else notices.push(`the saved display filter "${meta.displayFilter}" is not valid here: ${r.error.message}`);
  } else if (list.filtered) {
    // the session was saved unfiltered: show it so
    list.useFilter(null, '');
  }
  if (meta.decodeAs) {
    // the session's own entries, in place of the user's, before its packets are dissected
    const rules: DecodeAsRule[] = [];
    for (const spec of meta.decodeAs) {
      try { rules.push(parseDecodeAs(spec)); } catch (e) { notices.push(`saved Decode As entry not applied: ${errMessage(e).replace(/^-d /, '')}`); }
    }
    cap.decodeAs = rules;
  }
  if (Object.keys(meta.insights).length) {
    try { cap.insights = new InsightsEngine(meta.insights as never); } catch (e) { notices.push(`saved insight settings not applied: ${errMessage(e)}`); }
  }
}

export async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond() && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
}
