// Validate a capture (kernel) filter without starting a capture: the helper
// owns the grammar (helper/filter.c), so ask it. Needs no privileges.
import { execFile } from 'node:child_process';
import { captureFilterProblem, normalizeCaptureFilter } from './filter-limit';
import { helperPath } from './helper-path';
import { HELPER_EXIT } from './live';

export type CaptureFilterCheck = { ok: true; terms: number } | { ok: false; message: string };

export function checkCaptureFilter(expr: string, opts: { helper?: string } = {}): Promise<CaptureFilterCheck> {
  const problem = captureFilterProblem(expr);
  if (problem) return Promise.resolve({ ok: false, message: problem });
  return new Promise((resolve, reject) => {
    execFile(opts.helper ?? helperPath(), ['check-filter', normalizeCaptureFilter(expr)], { encoding: 'utf8', timeout: 5000 }, (err, stdout, stderr) => {
      const m = /^ok: (\d+) term/.exec(stdout);
      if (!err && m) return resolve({ ok: true, terms: Number(m[1]) });
      if (err && (err as { code?: unknown }).code === HELPER_EXIT.FILTER) {
        return resolve({ ok: false, message: stderr.trim().split('\n').pop()!.replace(/^xdpscope-helper: (filter: )?/, '') });
      }
      reject(new Error(`checking the capture filter failed: ${stderr.trim() || err?.message}`));
    });
  });
}
