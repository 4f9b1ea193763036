// tshark 4.0's TCP SEQ/ACK analysis flags on crafted conversations: out-of-order
// vs retransmission by timing (the iRTT threshold), spurious retransmission of
// acknowledged data, fast retransmission after duplicate ACKs, window full,
// zero window probes and their ACKs, window updates, ACKed unseen segments,
// reused ports, RTO, keep-alives. Every tcp.analysis field and the Info text
// of `xdpscope read` must equal the installed tshark's, line for line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, hasCommand } from '../../lib/env';
import { tcpFrameBytes } from '../../lib/tcp-frame';
import { pcapFile, T0_US } from '../../lib/pcap';
import { testSeed } from '../../lib/rng';

const ANALYSIS = [
  'tcp.analysis', 'tcp.analysis.flags', 'tcp.analysis.acks_frame', 'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt',
  'tcp.analysis.bytes_in_flight', 'tcp.analysis.push_bytes_sent',
  'tcp.analysis.retransmission', 'tcp.analysis.fast_retransmission', 'tcp.analysis.spurious_retransmission',
  'tcp.analysis.out_of_order', 'tcp.analysis.rto', 'tcp.analysis.rto_frame',
  'tcp.analysis.lost_segment', 'tcp.analysis.ack_lost_segment', 'tcp.analysis.reused_ports',
  'tcp.analysis.window_update', 'tcp.analysis.window_full', 'tcp.analysis.zero_window',
  'tcp.analysis.zero_window_probe', 'tcp.analysis.zero_window_probe_ack',
  'tcp.analysis.keep_alive', 'tcp.analysis.keep_alive_ack',
  'tcp.analysis.duplicate_ack', 'tcp.analysis.duplicate_ack_num', 'tcp.analysis.duplicate_ack_frame',
];
const FIELDS = ['frame.number', 'tcp.stream', 'tcp.completeness', 'tcp.seq', 'tcp.options.sack_le', 'tcp.options.sack_re', ...ANALYSIS];

const C = '198.18.0.1', S = '198.18.0.2';
const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;
const WS2 = [3, 3, 2, 1]; // window scale shift 2, NOP

interface Pkt { t: number; bytes: Buffer }

/** Builds one capture: frames at explicit times (milliseconds from the start). */
class Capture {
  readonly pkts: Pkt[] = [];
  tcp(t: number, fromClient: boolean, cport: number, seq: number, ack: number, flags: number, len = 0, win = 1000, opts: number[] = []): void {
    const [src, dst, sp, dp] = fromClient ? [C, S, cport, 47000] : [S, C, 47000, cport];
    this.pkts.push({ t, bytes: tcpFrameBytes(src, dst, sp, dp, seq, ack, flags, opts, Buffer.alloc(len, 0x61), win) });
  }
  /** classic pcap, microseconds */
  bytes(): Buffer {
    return pcapFile(this.pkts.map((p) => ({ data: p.bytes, us: T0_US + Math.round(p.t * 1000) })));
  }
}

/** A handshake at time t (client ISN ci, server ISN si); returns the time after it. */
function handshake(c: Capture, t: number, port: number, ci: number, si: number, rtt = 20, copts: number[] = [], sopts: number[] = []): number {
  c.tcp(t, true, port, ci, 0, SYN, 0, 64000, copts);
  c.tcp(t + rtt / 2, false, port, si, ci + 1, SYN | ACK, 0, 64000, sopts);
  c.tcp(t + rtt, true, port, ci + 1, si + 1, ACK, 0, 1000);
  return t + rtt;
}

function crafted(): Buffer {
  const c = new Capture();
  // 1. out-of-order within the iRTT (20 ms) of the highest segment, retransmission (with RTO) after it,
  //    spurious retransmission of acknowledged data, ACKed unseen segment
  let t = handshake(c, 0, 40001, 1000, 9000);
  c.tcp(t + 100, true, 40001, 1001, 9001, ACK | PSH, 100);
  c.tcp(t + 101, true, 40001, 1201, 9001, ACK | PSH, 100); // gap: previous segment not captured
  c.tcp(t + 102, true, 40001, 1101, 9001, ACK | PSH, 100); // out-of-order
  c.tcp(t + 103, false, 40001, 9001, 1301, ACK);
  c.tcp(t + 400, true, 40001, 1101, 9001, ACK | PSH, 100); // spurious: already acknowledged
  c.tcp(t + 401, true, 40001, 1301, 9001, ACK | PSH, 100);
  c.tcp(t + 402, true, 40001, 1401, 9001, ACK | PSH, 100);
  c.tcp(t + 900, true, 40001, 1301, 9001, ACK | PSH, 100); // retransmission after the threshold: RTO
  c.tcp(t + 901, false, 40001, 9001, 1601, ACK); // acknowledges beyond what was seen: ACKed unseen segment
  c.tcp(t + 902, false, 40001, 9001, 1601, ACK, 0, 1000);

  // 2. fast retransmission: two duplicate ACKs, then the missing segment within 20 ms
  t = handshake(c, 2000, 40002, 5000, 7000);
  c.tcp(t + 10, true, 40002, 5001, 7001, ACK, 100);
  c.tcp(t + 11, true, 40002, 5101, 7001, ACK, 100);
  c.tcp(t + 12, true, 40002, 5201, 7001, ACK, 100);
  c.tcp(t + 13, true, 40002, 5301, 7001, ACK, 100);
  c.tcp(t + 14, false, 40002, 7001, 5101, ACK);
  c.tcp(t + 15, false, 40002, 7001, 5101, ACK);
  c.tcp(t + 16, false, 40002, 7001, 5101, ACK);
  c.tcp(t + 17, false, 40002, 7001, 5101, ACK);
  c.tcp(t + 20, true, 40002, 5101, 7001, ACK, 100); // fast retransmission
  c.tcp(t + 30, false, 40002, 7001, 5401, ACK);
  c.tcp(t + 300, true, 40002, 5401, 7001, ACK | PSH | FIN, 10);
  c.tcp(t + 301, false, 40002, 7001, 5412, ACK | FIN);
  c.tcp(t + 302, true, 40002, 5412, 7002, ACK);
  // 3. the same ports again with a new SYN: reused ports
  t = handshake(c, 3000, 40002, 88000, 99000);
  c.tcp(t + 5, true, 40002, 88001, 99001, ACK | PSH, 20);

  // 4. window full (scaled windows: shift 2), zero window, zero window probe and its ACK, window update
  t = handshake(c, 4000, 40003, 100, 200, 20, WS2, WS2);
  c.tcp(t + 1, false, 40003, 201, 101, ACK, 0, 100); // window 400 bytes
  c.tcp(t + 2, true, 40003, 101, 201, ACK | PSH, 300);
  c.tcp(t + 3, true, 40003, 401, 201, ACK | PSH, 100); // up to the window's edge: window full
  c.tcp(t + 4, false, 40003, 201, 501, ACK, 0, 0); // zero window
  c.tcp(t + 100, true, 40003, 501, 201, ACK, 1); // zero window probe
  c.tcp(t + 101, false, 40003, 201, 501, ACK, 0, 0); // zero window probe ACK
  c.tcp(t + 300, true, 40003, 501, 201, ACK, 1); // another probe
  c.tcp(t + 301, false, 40003, 201, 501, ACK, 0, 0);
  c.tcp(t + 500, false, 40003, 201, 501, ACK, 0, 200); // window update
  c.tcp(t + 501, true, 40003, 501, 201, ACK | PSH, 200);
  c.tcp(t + 502, false, 40003, 201, 701, ACK, 0, 200);
  c.tcp(t + 503, false, 40003, 201, 701, ACK, 0, 300); // window update
  c.tcp(t + 504, false, 40003, 201, 701, ACK, 0, 300); // duplicate ACK
  // the window full right after the SYN-ACK (its window is not scaled)
  t = handshake(c, 5000, 40004, 100, 200, 20, WS2, WS2);
  c.tcp(t + 1, true, 40004, 101, 201, ACK | PSH, 500);

  // 5. keep-alive, its ACK, a keep-alive into a zero window, a retransmitted SYN, RST
  t = handshake(c, 6000, 40005, 300, 400);
  c.tcp(t + 1, true, 40005, 301, 401, ACK | PSH, 50);
  c.tcp(t + 2, false, 40005, 401, 351, ACK);
  c.tcp(t + 3000, true, 40005, 350, 401, ACK);
  c.tcp(t + 3001, false, 40005, 401, 351, ACK);
  c.tcp(t + 6000, false, 40005, 401, 351, ACK, 0, 0);
  c.tcp(t + 9000, true, 40005, 350, 401, ACK, 1, 0);
  c.tcp(t + 9001, true, 40005, 351, 401, RST | ACK, 0, 0);
  c.tcp(7000, true, 40006, 700, 0, SYN, 0, 64000);
  c.tcp(8000, true, 40006, 700, 0, SYN, 0, 64000); // SYN retransmitted
  c.tcp(8001, false, 40006, 900, 701, SYN | ACK, 0, 64000);
  c.tcp(8003, false, 40006, 900, 701, SYN | ACK, 0, 64000); // SYN-ACK retransmitted
  c.tcp(8004, true, 40006, 701, 901, ACK, 0, 1000);
  c.tcp(8005, true, 40006, 701, 901, ACK, 0, 1000); // duplicate ACK
  c.tcp(8006, false, 40006, 901, 701, ACK, 10, 1000);
  c.tcp(8007, true, 40006, 701, 911, ACK, 0, 1000);
  c.tcp(8008, false, 40006, 901, 701, ACK, 10, 1000); // retransmission within the iRTT? the same segment again

  // 6. SACK blocks of the receiver's latest segment shrink the sender's bytes in flight
  t = handshake(c, 20000, 40007, 1000, 9000, 20, [4, 2], [4, 2]);
  for (let i = 0; i < 6; i++) c.tcp(t + 10 + i, true, 40007, 1001 + i * 100, 9001, ACK, 100);
  const sack = (...edges: number[]): number[] => [1, 1, 5, 2 + 4 * edges.length, ...edges.flatMap((n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255])];
  c.tcp(t + 20, false, 40007, 9001, 1101, ACK, 0, 1000, sack(1201, 1301));
  c.tcp(t + 21, true, 40007, 1601, 9001, ACK, 100);
  c.tcp(t + 22, false, 40007, 9001, 1101, ACK, 0, 1000, sack(1201, 1401, 1501, 1601));
  c.tcp(t + 23, true, 40007, 1101, 9001, ACK, 100);
  c.tcp(t + 24, false, 40007, 9001, 1401, ACK, 0, 1000, sack(1501, 1701));
  c.tcp(t + 25, true, 40007, 1701, 9001, ACK, 100);

  // 7. reused ports: a SYN into a conversation seen only mid-stream, a SYN-ACK with another sequence number
  c.tcp(21000, true, 40008, 5000, 7000, ACK, 10);
  c.tcp(21001, false, 40008, 7000, 5010, ACK, 10);
  handshake(c, 21100, 40008, 8000, 9000);
  c.tcp(21200, true, 40009, 100, 0, SYN, 0, 64000);
  c.tcp(21210, false, 40009, 300, 101, SYN | ACK, 0, 64000);
  c.tcp(21220, true, 40009, 101, 301, RST | ACK);
  c.tcp(21230, false, 40009, 900, 101, SYN | ACK, 0, 64000);
  c.tcp(21240, true, 40009, 200, 0, SYN, 0, 64000);
  c.tcp(21250, false, 40009, 901, 201, ACK);
  return c.bytes();
}

/**
 * Seeded random conversations: data, retransmissions of earlier segments,
 * pure and duplicate ACKs, ACKs of everything or of unseen bytes, gaps,
 * keep-alives, zero and changing windows, FINs, RSTs, reused ports, with and
 * without handshakes and window scaling, some near the sequence wrap.
 */
function randomConversations(seed: number): Buffer {
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
  const ri = (n: number): number => Math.floor(rnd() * n);
  const c = new Capture();
  let t = 0;
  for (let conv = 0; conv < 30; conv++) {
    const port = 40000 + ri(6);
    const ws = ri(3) === 0 ? [3, 3, ri(4), 1] : [];
    let cs = ri(2) ? ri(4e9) : 4294967000 + ri(200), ss = ri(4e9);
    let cAck: number, sAck: number;
    t += 1000 + ri(5000);
    if (ri(4)) {
      c.tcp(t, true, port, cs, 0, SYN, 0, 64000, ws);
      t += ri(30) / 10;
      c.tcp(t, false, port, ss, cs + 1, SYN | ACK, 0, 64000, ws);
      t += ri(30) / 10;
      cs++; ss++;
      c.tcp(t, true, port, cs, ss, ACK, 0, 1000);
    }
    cAck = ss; sAck = cs;
    const sent: Record<'c' | 's', Array<[number, number]>> = { c: [], s: [] };
    let cwin = 1000, swin = 1000;
    for (let i = 0; i < 25; i++) {
      t += ri(3) === 0 ? ri(400) : ri(40) / 10;
      const cl = ri(2) === 0;
      const r = ri(20);
      const seq = cl ? cs : ss, ack = cl ? cAck : sAck, other = cl ? ss : cs;
      const win = ri(8) === 0 ? 0 : (cl ? cwin : swin) + (ri(6) === 0 ? ri(3) * 100 : 0);
      if (win) { if (cl) cwin = win; else swin = win; }
      if (r < 8) {
        const len = [1, 10, 100, 1000][ri(4)];
        c.tcp(t, cl, port, seq, ack, ACK | (ri(2) ? PSH : 0), len, win);
        sent[cl ? 'c' : 's'].push([seq, len]);
        if (cl) cs += len; else ss += len;
      } else if (r < 10) {
        const l = sent[cl ? 'c' : 's'];
        if (l.length) { const [sq, len] = l[ri(l.length)]; c.tcp(t, cl, port, sq, ack, ACK, len, win); }
      } else if (r < 13) c.tcp(t, cl, port, seq, ack, ACK, 0, win);
      else if (r < 15 || r === 19) {
        if (cl) cAck = other; else sAck = other;
        c.tcp(t, cl, port, seq, other, ACK, 0, win);
      } else if (r < 16) {
        const gap = [1, 10, 100][ri(3)];
        if (cl) cs += gap; else ss += gap;
      } else if (r < 17) c.tcp(t, cl, port, seq - 1, ack, ACK, ri(2), win);
      else if (r < 18) c.tcp(t, cl, port, seq, other + [1, 50][ri(2)], ACK, 0, win);
      else {
        c.tcp(t, cl, port, seq, ack, ACK | FIN, 0, win);
        if (cl) cs++; else ss++;
      }
    }
    if (ri(3) === 0) c.tcp(t + 0.1, ri(2) === 0, port, cs, cAck, RST | ACK, 0, 0);
  }
  return c.bytes();
}

const skip = hasCommand('tshark') ? false : 'tshark not installed';
const run = (cmd: string, args: string[]): string => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
/** tshark pads its columns to the widest value: compare words */
const words = (s: string): string[] => s.split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter((l) => l);

test('TCP analysis flags and Info prefixes agree with tshark on crafted conversations', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-tcp-analysis-'));
  try {
    const path = join(dir, 'analysis.pcap');
    writeFileSync(path, crafted());
    if (process.env.XDPSCOPE_KEEP_CAPTURE) writeFileSync(process.env.XDPSCOPE_KEEP_CAPTURE, crafted());
    const e = FIELDS.flatMap((f) => ['-e', f]);
    const theirs = run('tshark', ['-r', path, '-T', 'fields', ...e]).split('\n');
    const ours = run(process.execPath, [CLI, 'read', '-r', path, '-T', 'fields', ...e]).split('\n');
    assert.deepEqual(ours, theirs);
    // each field alone (field-subset mode gates the analysis on what is asked for)
    for (const f of ANALYSIS) {
      const one = run(process.execPath, [CLI, 'read', '-r', path, '-T', 'fields', '-e', 'frame.number', '-e', f]);
      assert.deepEqual(one.split('\n'), run('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.number', '-e', f]).split('\n'), f);
    }
    // the summary lines: Info with its bracketed prefixes
    assert.deepEqual(words(run(process.execPath, [CLI, 'read', '-r', path])), words(run('tshark', ['-r', path])));
    // the cases are really there (tshark's view): every flag occurs
    const rows = theirs.filter((l) => l).map((l) => l.split('\t'));
    const missing = ANALYSIS.filter((f) => !rows.some((r) => r[FIELDS.indexOf(f)]));
    assert.deepEqual(missing, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TCP analysis agrees with tshark on seeded random conversations', { skip, timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-tcp-analysis-'));
  try {
    const e = FIELDS.flatMap((f) => ['-e', f]);
    let flagged = 0;
    const first = testSeed('TCP analysis: random conversations', 1);
    for (const seed of first === 1 ? [1, 3, 4, 7] : [first]) {
      const path = join(dir, `random-${seed}.pcap`);
      writeFileSync(path, randomConversations(seed));
      const theirs = run('tshark', ['-r', path, '-T', 'fields', ...e]).split('\n');
      assert.deepEqual(run(process.execPath, [CLI, 'read', '-r', path, '-T', 'fields', ...e]).split('\n'), theirs, `seed ${seed}`);
      assert.deepEqual(words(run(process.execPath, [CLI, 'read', '-r', path])), words(run('tshark', ['-r', path])), `seed ${seed} text`);
      flagged += theirs.filter((l) => l.split('\t')[FIELDS.indexOf('tcp.analysis.flags')]).length;
    }
    assert.ok(flagged > 1000, `${flagged} flagged segments`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
