// Packets to a pcapng or classic pcap file, as Save/Export and `xdpscope
// read -w` write them: one place decides which interfaces a file gets and
// what a classic pcap cannot hold.
import type { ByteSink } from '../file/sink';
import type { CaptureFileInterface, CustomOption } from '../file/types';
import { PcapngWriter } from '../pcapng/writer';
import { PcapWriter } from '../pcap/writer';
import type { CaptureInterface, RawPacket } from '../types';
import { TLS_KEY_LOG_SECRETS } from '../dissect/keylog';
import { SessionFileError } from './errors';

export type SaveFormat = 'pcapng' | 'pcap';

/** pcapng can store a timestamp unit that is a power of ten only; unknown → ns, which loses nothing. */
function writerUnit(iface: CaptureInterface): number {
  const u = iface.tsUnitNs ?? 1;
  const exp = Math.round(Math.log10(u));
  return exp >= 0 && exp <= 9 && 10 ** exp === u ? u : 1;
}

export interface PacketFileOptions {
  /** SHB comments (pcapng) */
  fileComments?: string[];
  /** SHB custom options (pcapng: the session's metadata) */
  customOptions?: CustomOption[];
  /** NSS key log text for a Decryption Secrets Block (pcapng) */
  tlsSecrets?: string;
  /** classic pcap: nanosecond timestamps (default) or microsecond (a0b2c3d4 magic, what tshark writes for a microsecond source) */
  nanosecond?: boolean;
}

/**
 * Writes one source's packets to a pcapng or classic pcap sink. pcapng
 * interfaces are written as packets first use them, so an export keeps only
 * the ones it needs and a file source can learn IDBs as it reads; classic
 * pcap holds one link type and refuses a second. Save/Export and
 * `xdpscope read -w` share it.
 */
export class PacketFileWriter {
  private readonly ng: PcapngWriter | null = null;
  private pcap: PcapWriter | null = null;
  private readonly ids = new Map<number, number>();
  private pcapBytes = 24;

  constructor(
    private readonly openSink: () => ByteSink,
    readonly format: SaveFormat,
    private readonly interfaces: readonly CaptureInterface[],
    /** the destination as the user named it, for errors */
    private readonly dest: string,
    private readonly opts: PacketFileOptions = {},
  ) {
    if (format !== 'pcapng') return;
    this.ng = new PcapngWriter(openSink(), { comments: opts.fileComments, customOptions: opts.customOptions });
    if (opts.tlsSecrets) this.ng.writeDecryptionSecrets(TLS_KEY_LOG_SECRETS, Buffer.from(opts.tlsSecrets, 'latin1'));
  }

  write(pkt: RawPacket, comments: string[] | undefined = pkt.comments): void {
    const ng = this.ng;
    if (ng) {
      let id = this.ids.get(pkt.interfaceId);
      if (id === undefined) {
        const iface = this.interfaces[pkt.interfaceId] ?? { id: pkt.interfaceId, linkType: pkt.linkType, snaplen: 262144 };
        id = ng.addInterface({
          linkType: iface.linkType,
          snaplen: iface.snaplen,
          name: iface.name,
          description: iface.description,
          tsUnitNs: writerUnit(iface),
          // what a file's IDB said beyond the basics (CaptureFileInterface), kept on Save As
          os: (iface as CaptureFileInterface).os,
          filter: (iface as CaptureFileInterface).filter,
          comments: (iface as CaptureFileInterface).comments,
        });
        this.ids.set(pkt.interfaceId, id);
      }
      ng.writePacket(id, pkt.tsNs ?? 0n, pkt.data, pkt.origLen, comments?.length ? comments : undefined, pkt);
      return;
    }
    if (!this.pcap) {
      const snaplen = Math.max(0, ...this.interfaces.map((i) => i.snaplen || 0)) || 262144;
      this.pcap = new PcapWriter(this.openSink(), { linkType: pkt.linkType, snaplen, nanosecond: this.opts.nanosecond });
    } else if (pkt.linkType !== this.pcap.linkType) {
      throw new SessionFileError('EFORMAT', this.dest, `Cannot export "${this.dest}" as pcap: frame ${pkt.number} has link type ${pkt.linkType} but earlier frames have ${this.pcap.linkType}; classic pcap holds one link type, save as pcapng instead`);
    }
    this.pcap.writePacket(pkt.tsNs ?? 0n, pkt.data, pkt.origLen);
    this.pcapBytes += 16 + pkt.data.length;
  }

  /** Flushes and closes the sink; answers the bytes written. */
  finish(): number {
    if (this.ng) { this.ng.close(); return this.ng.bytesWritten; }
    // An empty selection still makes a valid (empty) pcap file.
    this.pcap ??= new PcapWriter(this.openSink(), { linkType: this.interfaces[0]?.linkType ?? 1, nanosecond: this.opts.nanosecond });
    this.pcap.close();
    return this.pcapBytes;
  }
}

