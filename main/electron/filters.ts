// File-type filters of the native save dialogs. The engine writes pcapng and
// classic pcap only (no gzip output), and dissections as CSV or JSON; the
// format follows the file's extension, so each filter offers one extension.
export interface FileFilter { name: string; extensions: string[] }

export const CAPTURE_SAVE_FILTERS: FileFilter[] = [
  { name: 'pcapng (keeps comments and view settings)', extensions: ['pcapng'] },
  { name: 'Classic pcap (no comments)', extensions: ['pcap'] },
];
export const DISSECTION_FILTERS: FileFilter[] = [
  { name: 'CSV', extensions: ['csv'] },
  { name: 'JSON', extensions: ['json'] },
];

/** The filters for a save dialog whose suggested name is `defaultName`: its own format first. */
export function saveFiltersFor(defaultName: string): FileFilter[] {
  const ext = /\.([a-z]+)$/i.exec(defaultName)?.[1]?.toLowerCase();
  const all = ext === 'csv' || ext === 'json' ? DISSECTION_FILTERS : CAPTURE_SAVE_FILTERS;
  return [...all.filter((f) => f.extensions[0] === ext), ...all.filter((f) => f.extensions[0] !== ext)];
}

/** A chosen name without a known extension gets the first filter's (the dialog's default format). */
export function withDefaultExtension(path: string, filters: FileFilter[]): string {
  const known = filters.flatMap((f) => f.extensions);
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  return ext && known.includes(ext) ? path : `${path}.${filters[0].extensions[0]}`;
}
