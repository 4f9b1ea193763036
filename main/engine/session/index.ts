// Sessions: a capture file plus what the inspector needs to reopen it as it
// was. The service (main/engine/service) uses only this module.
//
// Open
//   const s = await openSession(path, { signal, onProgress: ({ bytesRead, size }) => ... });
//   s.metadata            // display filter, columns, colouring rules, selection, insights, capture settings
//   s.ours                // false for a foreign file (metadata are defaults)
//   for await (const batch of s.batches()) ...   // once; comments land in s.comments
//   s.damage / s.notices  // damaged file: where (offset, block) and why; packets before it were yielded
//   Errors reject as SessionFileError { code: 'ENOENT'|'EACCES'|'EFORMAT'|'EABORT'|..., path, message }.
//
// Comments
//   s.comments.add(frame, text) / edit(frame, i, text) / delete(frame, i?) / get(frame)
//   They are saved as EPB opt_comment (tshark shows them as frame.comment).
//
// Save / Save As / Export Specified Packets (atomic; never replaces without overwrite: true)
//   await saveSession(dest, source, { metadata, comments, overwrite, format: 'pcapng'|'pcap',
//                                     select: 'all' | { frames } | { range: [a, b] } | { predicate } })
//   `source` is any PacketSource: { interfaces, batches() } — a Session, sessionFileSource(path),
//   arraySource(interfaces, packets), or the UI's packet store.
//
// Export Packet Dissections
//   await exportDissections(dest, source, { format: 'csv'|'json', select, overwrite })
//
// Live capture spool and crash recovery
//   const spool = new SpoolWriter({ interfaces, metadata: { capture: { interface, mode, filter } } });
//   spool.write(batch)  (flushed every 500 ms)  spool.close()  spool.discard()
//   findRecoverableSpools() → [{ path, size, modifiedAt, closedCleanly }]
//   await recoverSpool(path) → { path: clean file, packets, damage }   discardSpool(path) when declined
//
// Recent files
//   const recent = new RecentFiles(); await recent.add(path); await recent.list() → [{ path, openedAt, exists }]
//
// File format of a session: see metadata.ts (SHB custom option 19373, PEN 32473, JSON).
export { openSession, sessionFileSource, Session, type OpenSessionOptions, type OpenProgress, type SessionDamage } from './open';
export { saveSession, type SaveOptions, type SaveResult, type SaveFormat } from './save';
export { exportDissections, type ExportDissectionsOptions, type ExportDissectionsResult, ENRICHED_FIELDS } from './export-dissections';
export { SpoolWriter, findRecoverableSpools, recoverSpool, discardSpool, DEFAULT_FLUSH_MS, type SpoolOptions, type RecoverableSpool, type RecoverOptions, type RecoverResult, type FlushInfo } from './spool';
export { CommentMap } from './comments';
export { RecentFiles, RECENT_DEFAULT_LIMIT, type RecentFile } from './recent';
export {
  defaultMetadata, encodeMetadata, decodeMetadata, SessionMetadataSchema,
  SESSION_PEN, SESSION_OPTION_CODE, SESSION_VERSION,
  type SessionMetadata, type ColumnSpec, type ColouringRuleSpec, type CaptureSettingsSpec,
} from './metadata';
export { arraySource, selectionPredicate, type PacketSource, type PacketSelection } from './source';
export { SessionFileError, friendlyFsError } from './errors';
export { writeFileAtomically, removeStaleTemps } from './atomic';
export { dataDir, configDir, spoolDir, recoveredDir, recentFilesPath } from './paths';
