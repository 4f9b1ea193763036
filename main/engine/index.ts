// The engine's public entry: what the faces (CLI, Electron, browser server)
// use. Faces import the engine only from here (eslint enforces it), so the
// engine's folders can move without touching a face. A face loads all of it
// at start, so what only tests need stays out (see test/lib/engine.ts).
export type { Dissection, RawPacket, CaptureInterface } from './types';

// capture: the privileged helper, its interfaces and live stream
export {
  startCapture, listInterfaces, HELPER_EXIT, CAPTURE_FILTER_MAX_BYTES, captureFilterProblem,
  type CaptureStats, type HelperCapture, type HostInterface, type HelloInfo, type CaptureDirection,
} from './capture/index';
export { GRANT_DIR, HELPER_CAPS, HELPER_GROUP, bundledFiles } from './privilege/paths';
export { grantSource, runGrant, runRevoke } from './privilege/grant';
export { privilegeStatus } from './privilege/status';
// the block list ("Block this source"; xdpscope block, capture --allow-blocking)
export {
  BlockList, startBlockControl, runningCaptures, controlRequest, parsePrefix, displayPrefix,
  type ControlServer, type ControlResponse, type RunningCapture,
} from './block/index';

// files: reading, writing
export { openCaptureFile } from './file/open';
export { CaptureFileError } from './file/errors';
export { FileSink, FdSink, type ByteSink } from './file/sink';
export { RingFileWriter, parseRingOption, ringSwitches, type RingOptions } from './file/ring';
export {
  createUniquePrivateFile, PrivateFileError, replaceableTarget, writePrivateFile, makeScratchDir, type ScratchDir,
} from './file/private';
export { scratchPrefix, makeServerScratch, sweepDeadScratch } from './file/scratch';
export { fsReason } from './session/errors';
export { PcapngWriter } from './pcapng/writer';

// decoding, filters and output (xdpscope read)
export { Dissector } from './dissect/index';
export { TlsKeyLog } from './dissect/keylog';
export { getField } from './fields/registry';
export { compileDisplayFilter, type CompiledFilter } from './filter/compile';
export { decodedFields, readDissector, type ReadFormat } from './output/decode-plan';
export { parseDecodeAs, decodeAsProtocols, formatDecodeAs, type DecodeAsRule } from './dissect/decode-as';
export { loadUserDecodeAs } from './session/decode-as-entries';
export { GeoIp } from './enrich/geoip';
export { BufferedWriter, bulkStdout } from './output/writer';
export { FieldsByteWriter, FieldsFormatter, defaultFieldsOptions, type FieldsOptions } from './output/fields';
export { summaryLine, columnOf, columnText, COLUMN_TITLES, tickDigits, timePrecisionOf, type TimePrecision } from './output/text';
export { detailsText, hexDumpText } from './output/details';
export { packetJson } from './output/json';
export { readParallel, readThreads } from './parallel/read';

// insights and statistics (xdpscope insights)
export { analyzeCaptureFile, snapshotInsights, InsightsEngine, type InsightsSnapshot } from './insights/index';
export { fmtBytes } from './insights/alert';
export type { IoSeriesDef, HierarchyNode } from './stats/index';

// the engine service, in its worker thread, as the UI faces drive it
export { EngineClient } from './service/client';
