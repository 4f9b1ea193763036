// The engine's second public entry: only what `xdpscope read` uses. The
// full entry (index.ts) loads the capture, block-list, insights and service
// modules and, through main/api, zod — about a third of read's start-up,
// paid again by every decoding thread's process start for nothing. A face
// imports from here or from index.ts (eslint's layer rule allows both).
export { openCaptureFile } from './file/open';
export { CaptureFileError } from './file/errors';
export { getField } from './fields/registry';
export { TlsKeyLog } from './dissect/keylog';
export { compileDisplayFilter, type CompiledFilter } from './filter/compile';
export { decodedFields, readDissector, type ReadFormat } from './output/decode-plan';
export { parseDecodeAs, formatDecodeAs } from './dissect/decode-as';
export { loadUserDecodeAs } from './session/decode-as-entries';
export { GeoIp } from './enrich/geoip';
export { BufferedWriter, bulkStdout } from './output/writer';
export { FieldsByteWriter, FieldsFormatter, defaultFieldsOptions, type FieldsOptions } from './output/fields';
export { summaryLine, columnOf, COLUMN_TITLES, timePrecisionOf } from './output/text';
export { detailsText, hexDumpText } from './output/details';
export { packetJson } from './output/json';
export { readParallel, readThreads } from './parallel/read';
export { PacketFileWriter } from './session/packet-file';
export { FileSink, FdSink } from './file/sink';
export { PrivateFileError } from './file/private';
export { fsReason } from './session/errors';
export { parseTap, feedTaps, type Tap } from './output/taps';
