// The capture filter's one limit, shared by the API schema, the CLI, the UI
// and the capture engine (which re-exports it from capture/filter-limit.ts). The helper enforces the same number
// (XS_MAX_FILTER_LEN in bpf/xdpscope.h; test/engine/capture/filter-limit.test.ts
// checks they agree), so a filter the app accepts is never refused by the
// helper for its length. No Node imports: the renderer bundles this file.

/** Longest capture filter, in bytes (printable ASCII, so also characters). */
export const CAPTURE_FILTER_MAX_BYTES = 1024;

/** Tabs and line breaks are spaces to the filter grammar: the helper takes one printable line. */
export function normalizeCaptureFilter(text: string): string {
  return text.replace(/[\t\r\n]/g, ' ');
}

/**
 * Why the helper would refuse this text before parsing it, or null. The same
 * message wherever a filter is entered (UI, API, CLI).
 */
export function captureFilterProblem(text: string): string | null {
  const t = normalizeCaptureFilter(text);
  const bad = /[^\x20-\x7e]/.exec(t);
  if (bad) {
    const cp = bad[0].codePointAt(0)!;
    return `capture filter: character U+${cp.toString(16).toUpperCase().padStart(4, '0')} at position ${bad.index + 1} is not printable ASCII`;
  }
  if (t.length > CAPTURE_FILTER_MAX_BYTES) {
    return `capture filter too long: ${t.length} bytes (at most ${CAPTURE_FILTER_MAX_BYTES})`;
  }
  return null;
}
