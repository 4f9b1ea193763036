// `xdpscope capture`: capture from an interface with XDP into a pcapng file,
// like dumpcap. The file is flushed every half second, so it is valid up to
// its last complete block even if this process is killed; the helper then
// sees stdin close and detaches its program.
//
// The output holds traffic, so it is created as dumpcap creates its files:
// 0600, never through a link (file/private.ts). -w FILE replaces a regular
// file of that name and refuses a symbolic link; without -w the file gets an
// unpredictable name in the temp folder (xdpscope_<if>_<time>_XXXXXX.pcapng,
// as mkstemp), created O_EXCL, so nobody can plant it in advance.
//
// -b (dumpcap's ring buffer) writes a series of files named after -w
// (prefix_00001_YYYYmmddHHMMSS.pcapng ...), each a whole pcapng, keeping the
// newest files:N (file/ring.ts), so a capture can run for days.
import { commandFail, parseOptions } from '../args';
import { tmpdir } from 'node:os';
import { accessSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { liveStops } from '../signals';
import {
  CAPTURE_FILTER_MAX_BYTES, HELPER_EXIT, captureFilterProblem, startCapture, type CaptureStats, type HelperCapture, type HelloInfo,
  PcapngWriter, FileSink, FdSink, type ByteSink, createUniquePrivateFile, PrivateFileError, replaceableTarget, fsReason,
  RingFileWriter, parseRingOption, ringSwitches, type RingOptions,
  BlockList, startBlockControl, type ControlServer,
} from '../../engine/index';

const USAGE = `Usage: xdpscope capture -i IFACE [-w FILE.pcapng] [-c COUNT] [-a KEY:VALUE ...]
                        [-b filesize:KB|files:N|duration:SECS|interval:SECS|packets:N ...]
                        [-s SNAPLEN] [-f FILTER] [-Q in|out|inout] [--mode auto|native|generic]
                        [--sample N] [--ring-bytes N] [--allow-blocking] [--no-proc] [-q]

Captures the frames IFACE receives (XDP) and sends (tcx) without changing
the traffic, and writes them to a pcapng file that tshark and Wireshark
open; each frame's direction is in its flags (frame.packet_flags_direction:
1 inbound, 2 outbound), and the local process behind it, learned in the
kernel (proc.pid, proc.name, proc.exepath, proc.cmdline, user.uid,
user.name, container.id: an option under our PEN and a readable comment).
Stops on -c/-a, Ctrl-C or SIGTERM, and prints packets captured / dropped
(ring full: this side could not keep up) / filtered.

Options:
  -i, --interface IFACE   interface to capture on (see 'xdpscope interfaces')
  -w, --write FILE        pcapng file to write, '-' for stdout (default: a new private file
                          ${tmpdir()}/xdpscope_IFACE_TIME_XXXXXX.pcapng)
  -c, --count N           stop after N packets
  -a, --autostop KEY:VALUE  stop after duration:SECS seconds, packets:N packets,
                          filesize:KB (the file; without -b) or files:N (ring files, with -b);
                          repeat -a to combine (the first reached stops)
  -b, --ring-buffer KEY:VALUE  write a ring of files named after -w, as dumpcap:
                          PREFIX_00001_YYYYmmddHHMMSS.SUFFIX, ...; repeat -b to combine:
                          filesize:KB (1 kB = 1000 bytes), duration:SECS, interval:SECS
                          (on wall-clock multiples), packets:N switch to the next file;
                          files:N keeps only the newest N (the oldest is deleted)
  -s, --snaplen N         bytes to keep per frame (default: the whole frame)
  -f, --filter EXPR       kernel capture filter, a tcpdump subset: e.g. 'tcp port 443',
                          'udp', 'host 198.18.0.2', 'net 198.18.0.0/15', 'not port 22',
                          src/dst qualifiers, and, or, not, parentheses ('port 80 or port 443');
                          at most ${CAPTURE_FILTER_MAX_BYTES} bytes of printable ASCII
  -Q, --direction DIR     in (received), out (sent) or inout (both, the default), as tcpdump's -Q
      --mode MODE         XDP attach mode: auto (native, else generic), native, generic
      --sample N          keep 1 in N of the frames that pass the filter
      --ring-bytes N      kernel ring buffer size (power of two, default 8388608)
      --allow-blocking    let 'xdpscope block ADDR' drop this capture's received frames from
                          ADDR (see xdpscope-block(1)); the blocks end with the capture
      --no-proc           do not name each packet's local process (nothing loaded for it)
  -q, --quiet             no running count
  -h, --help              show this help

Needs CAP_BPF and CAP_NET_ADMIN: run as root, or once 'sudo xdpscope grant'.`;

/** How the helper attached, for the banner and the IDB's description. */
function describe(h: HelloInfo, withId = true): string {
  const parts: string[] = [];
  if (h.mode === 'trace' && h.foreign) parts.push(`tracing XDP program ${h.foreign.id} '${h.foreign.name}'`);
  else if (h.mode === 'after' && h.foreign) parts.push(`behind XDP program ${h.foreign.id} '${h.foreign.name}': only what it passes`);
  else if (h.mode !== 'none') parts.push(`XDP ${h.mode} mode`);
  if (h.egressMode !== 'none') parts.push(`egress ${h.egressMode}`);
  // only when on: scripts match the banner as it was before attribution existed
  if (h.proc.on) parts.push('processes');
  return parts.join(' + ') + (withId ? `, prog id ${h.progId}` : '');
}

const usageError = commandFail('capture', 2);

function positiveInt(name: string, v: string | undefined, max: number): number | string | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) return `${name}: '${v}' is not a whole number between 1 and ${max}`;
  return Number(v);
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions({
      args: argv,
      strict: true,
      options: {
        interface: { type: 'string', short: 'i' },
        write: { type: 'string', short: 'w' },
        count: { type: 'string', short: 'c' },
        autostop: { type: 'string', short: 'a', multiple: true },
        'ring-buffer': { type: 'string', short: 'b', multiple: true },
        snaplen: { type: 'string', short: 's' },
        filter: { type: 'string', short: 'f' },
        mode: { type: 'string' },
        direction: { type: 'string', short: 'Q' },
        sample: { type: 'string' },
        'ring-bytes': { type: 'string' },
        'no-proc': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        'allow-blocking': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (typeof parsed === 'string') return usageError(parsed);
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const iface = values.interface;
  if (!iface) return usageError('-i IFACE is required (see xdpscope interfaces)');
  let count = positiveInt('-c', values.count, Number.MAX_SAFE_INTEGER);
  const snaplen = positiveInt('-s', values.snaplen, 262144);
  const sample = positiveInt('--sample', values.sample, 1_000_000_000);
  const ringBytes = positiveInt('--ring-bytes', values['ring-bytes'], 1 << 30);
  for (const v of [count, snaplen, sample, ringBytes]) if (typeof v === 'string') return usageError(v);
  // dumpcap's -a conditions
  let durationMs: number | undefined, stopFiles: number | undefined, stopKB: number | undefined;
  for (const a of values.autostop ?? []) {
    const m = /^(duration|packets|filesize|files):(\d+(?:\.\d+)?)$/.exec(a);
    const n = Number(m?.[2]);
    if (!m || !(n > 0) || (m[1] !== 'duration' && !Number.isInteger(n))) {
      return usageError(`-a: '${a}' is not duration:SECS, packets:N, filesize:KB or files:N (e.g. duration:10)`);
    }
    if (m[1] === 'duration') durationMs = n * 1000;
    else if (m[1] === 'packets') count = Math.min(n, typeof count === 'number' ? count : Infinity);
    else if (m[1] === 'filesize') stopKB = n;
    else stopFiles = n;
  }
  if (values.filter !== undefined) {
    const problem = captureFilterProblem(values.filter);
    if (problem) return usageError(problem);
  }
  let ring: RingOptions | null = null;
  if (values['ring-buffer']?.length) {
    ring = {};
    for (const spec of values['ring-buffer']) {
      const problem = parseRingOption(spec, ring);
      if (problem) return usageError(problem);
    }
    // dumpcap's rules: the ring needs a file name to number, and something that switches files
    if (values.write === undefined || values.write === '-') return usageError('-b needs -w FILE: the ring files are named after it');
    if (!ringSwitches(ring)) return usageError('-b files:N needs filesize:KB, duration:SECS, interval:SECS or packets:N to switch files');
    if (stopKB !== undefined) return usageError('-a filesize:KB stops a single file: with -b, use -b filesize:KB and -a files:N');
  } else if (stopFiles !== undefined) return usageError('-a files:N needs a ring buffer (-b)');
  const mode = values.mode ?? 'auto';
  if (mode !== 'auto' && mode !== 'native' && mode !== 'generic') return usageError(`--mode: '${mode}' is not auto, native or generic`);
  const direction = values.direction ?? 'inout';
  if (direction !== 'in' && direction !== 'out' && direction !== 'inout') return usageError(`-Q: '${direction}' is not in, out or inout`);
  const toStdout = values.write === '-';
  let path = toStdout ? '-' : values.write ?? '';
  // Opened once the helper is capturing (no empty file when it cannot start);
  // a destination we would refuse then is refused now, before capturing.
  const openSink = (): ByteSink => {
    if (toStdout) return new FdSink(1);
    if (values.write !== undefined) return new FileSink(path);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const made = createUniquePrivateFile(tmpdir(), `xdpscope_${iface.replace(/[^\w.-]/g, '_')}_${stamp}_`, '.pcapng');
    path = made.path;
    return new FileSink(path, { fd: made.fd });
  };
  if (!toStdout && values.write !== undefined) {
    try {
      if (!ring) replaceableTarget(path);
      accessSync(dirname(path), constants.W_OK);
    } catch (e) {
      process.stderr.write(`xdpscope capture: cannot write ${path}: ${e instanceof PrivateFileError ? e.reason : fsReason(e)}\n`);
      return 1;
    }
  }

  let cap: HelperCapture;
  try {
    cap = startCapture({
      iface, mode, filter: values.filter, direction,
      snaplen: snaplen as number | undefined, sample: sample as number | undefined, ringBytes: ringBytes as number | undefined,
      ...(values['no-proc'] ? { proc: false } : {}),
    });
  } catch (e) {
    process.stderr.write(`xdpscope capture: ${(e as Error).message}\n`);
    return 1;
  }

  let writer: PcapngWriter | RingFileWriter | null = null;
  /** -a filesize:KB reached: what the helper still drains is not written */
  let sizeReached = false;
  let ifaceId = 0;
  let written = 0;
  let startNs = 0n;
  let stopping = false;
  let writeError: Error | null = null;
  // xdpscope block reaches this capture through its control socket
  const blocks = new BlockList();
  blocks.allowBlocking = values['allow-blocking'] === true;
  let control: Promise<ControlServer | null> | null = null;
  if (blocks.allowBlocking) {
    cap.once('hello', (h: HelloInfo) => {
      const why = h.directions === 'out' ? 'this capture is egress only (-Q out): blocking drops received frames'
        : h.mode === 'trace' ? 'beside a traced foreign XDP program frames can only be watched, not dropped' : undefined;
      blocks.attach(cap, iface, why);
      control = startBlockControl(blocks, iface).catch((e: Error) => {
        process.stderr.write(`xdpscope capture: 'xdpscope block' cannot reach this capture: ${e.message}\n`);
        return null;
      });
    });
  }
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void cap.stop();
  };
  cap.on('hello', (h) => {
    const ifaceOpts = {
      linkType: h.linkType, snaplen: h.snaplen, name: iface,
      description: describe(h),
      ...(values.filter ? { filter: values.filter } : {}),
    };
    try {
      if (ring) {
        writer = new RingFileWriter(path, ring, { interfaces: [ifaceOpts], ...(stopFiles !== undefined ? { stopAfterFiles: stopFiles } : {}) });
        ifaceId = 0;
      } else {
        const w = new PcapngWriter(openSink());
        writer = w;
        ifaceId = w.addInterface(ifaceOpts);
      }
      writer.flush();
    } catch (e) {
      writeError ??= e instanceof PrivateFileError ? new Error(e.reason) : e as Error;
      stop();
      return;
    }
    startNs = BigInt(Date.now()) * 1_000_000n;
    const where = toStdout ? 'stdout' : writer instanceof RingFileWriter ? `${writer.current} (ring buffer)` : path;
    process.stderr.write(`Capturing on '${iface}' (${describe(h, false)}) → ${where}\n`);
  });
  const tty = process.stderr.isTTY && !values.quiet;
  let last: CaptureStats | null = null;
  cap.on('stats', (s) => { last = s; });
  const stops = liveStops(stop, durationMs);
  cap.once('hello', () => stops.attached());
  const flushTimer = setInterval(() => {
    try {
      if (writer instanceof RingFileWriter) writer.tick();
      writer?.flush();
    } catch (e) {
      // e.g. the reader of -w - went away (EPIPE) or the disk is full.
      writeError ??= e as Error;
      stop();
    }
    if (tty) process.stderr.write(`\rPackets: ${written}${last?.ringDrops ? ` (ring drops: ${last.ringDrops})` : ''} `);
  }, 500);

  let failure: Error | null = null;
  try {
    // records go from the helper's buffers into EPBs: no object per packet
    for await (const batch of cap.records()) {
      const w = writer as PcapngWriter | RingFileWriter | null;
      if (!w) continue;
      if (writeError || sizeReached) continue;
      try {
        const n = count === undefined ? batch.count : Math.min(batch.count, (count as number) - written);
        if (n > 0) {
          if (w instanceof RingFileWriter) {
            written += w.writeRecords(ifaceId, batch, 0, n);
            // -a files:N reached: the last file is closed, the capture stops
            if (w.done) stop();
          } else {
            const until = stopKB !== undefined ? stopKB * 1000 : Infinity;
            written += w.writeRecords(ifaceId, batch, 0, n, until);
            if (w.bytesWritten + w.pendingBytes >= until) { sizeReached = true; stop(); }
          }
        }
      } catch (e) {
        writeError = e as Error;
        stop();
      }
      if (count !== undefined && written >= (count as number)) stop();
    }
  } catch (e) {
    failure = e as Error;
  } finally {
    clearInterval(flushTimer);
    stops.release();
  }
  const exit = await cap.done;
  blocks.detach(cap);
  await (await (control as Promise<ControlServer | null> | null))?.close();
  const st = exit.stats;
  const w = writer as PcapngWriter | RingFileWriter | null;
  if (w && !writeError) {
    if (st) {
      w.writeInterfaceStats(ifaceId, {
        tsNs: st.tsNs, startNs, endNs: st.tsNs,
        received: st.seen, dropped: st.ringDrops, filterAccepted: st.seen - st.filtered - st.paused,
        userDelivered: written,
        comment: `xdpscope: ${st.delivered} delivered by the helper, ${st.ringDrops} dropped (ring full), ${st.filtered} filtered${st.sampledOut ? ` (${st.sampledOut} by sampling)` : ''}` +
          `${st.blocked ? `, ${st.blocked} received frames blocked (xdp.action == 1)` : ''}${st.final ? '' : ', counters not final'}`,
      });
    }
    try { w.close(); } catch (e) { writeError = e as Error; }
  }
  if (tty) process.stderr.write('\n');
  if (writeError && !failure) failure = new Error(`writing ${toStdout ? 'stdout' : path || 'the capture file'}: ${writeError.message}`);
  if (failure) {
    process.stderr.write(`xdpscope capture: ${failure.message}\n`);
    // Bad arguments and bad filters are usage errors here, as for the checks above.
    return exit.code === HELPER_EXIT.USAGE || exit.code === HELPER_EXIT.FILTER ? 2 : 1;
  }
  if (st) {
    process.stderr.write(`Packets captured: ${written}, dropped by ring: ${st.ringDrops}, filtered: ${st.filtered}` +
      ` (seen ${st.seen}${st.sampledOut ? `, sampled out ${st.sampledOut}` : ''}${st.helperDrops ? `, helper drops ${st.helperDrops}` : ''}` +
      `${st.blocked ? `, blocked ${st.blocked}` : ''})\n`);
  }
  return 0;
}
