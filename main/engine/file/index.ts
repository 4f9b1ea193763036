// Capture files in one import: reading (streamed or in memory), writing
// (pcapng, pcap), the damage error, tshark-style timestamp text.
export { openCaptureFile, parseCaptureBuffer, CaptureFile, type OpenOptions, type ParsedCapture } from './open';
export { CaptureFileError, NotAFileError } from './errors';
export { epochText } from './time';
export { META_BUDGET, metaNotice } from './budget';
export { FileSink, FdSink, MemorySink, type ByteSink } from './sink';
export { RingFileWriter, parseRingOption, ringFileName, ringSwitches, type RingOptions, type RingWriterSetup } from './ring';
export type {
  CaptureFormat, CaptureFileInterface, CaptureSection, NameResolutionEntry, InterfaceStatistics,
  CustomBlock, PcapHeader, CaptureMeta, MetaKind,
} from './types';
export { PcapngWriter, type PcapngWriterOptions, type InterfaceOptions, type InterfaceStatsOptions } from '../pcapng/writer';
export { PcapWriter, type PcapWriterOptions } from '../pcap/writer';
