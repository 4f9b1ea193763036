// Spanning Tree BPDUs as tshark 4.0 decodes them: configuration, TCN, RST
// and MST BPDUs with MSTI records, Cisco's PVST+, on LLC, SNAP, 802.1Q
// and ethertype 0x8181. Before, STP was only a name ("Spanning Tree", no
// stp.* field, so `stp.root.hw == …` matched nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareFile, craftedAgrees, tsharkSkip } from './compare';
import { hex, u16, u32 } from './packets';
import { withLivePair } from '../../lib/netns';
import { startTcpdump, until } from '../../lib/tcpdump';
import { hasCommand, isRoot } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';

const STP_FIELDS = ['frame.protocols', 'llc.dsap', 'llc.cisco_pid', 'stp.protocol', 'stp.version', 'stp.type', 'stp.flags', 'stp.flags.tcack',
  'stp.flags.agreement', 'stp.flags.forwarding', 'stp.flags.learning', 'stp.flags.port_role', 'stp.flags.proposal', 'stp.flags.tc',
  'stp.root.prio', 'stp.root.ext', 'stp.root.hw', 'stp.root.cost', 'stp.bridge.prio', 'stp.bridge.ext', 'stp.bridge.hw', 'stp.port',
  'stp.msg_age', 'stp.max_age', 'stp.hello', 'stp.forward', 'stp.version_1_length', 'stp.pvst.tlvtype', 'stp.pvst.tlvlen', 'stp.pvst.origvlan',
  'mstp.version_3_length', 'mstp.config_format_selector', 'mstp.config_name', 'mstp.config_revision_level', 'mstp.config_digest',
  'mstp.cist_internal_root_path_cost', 'mstp.cist_bridge.prio', 'mstp.cist_bridge.ext', 'mstp.cist_bridge.hw', 'mstp.cist_remaining_hops',
  'mstp.msti.flags', 'mstp.msti.priority', 'mstp.msti.msti_id', 'mstp.msti.root.hw', 'mstp.msti.root_cost', 'mstp.msti.bridge_priority',
  'mstp.msti.port_priority', 'mstp.msti.remaining_hops', 'vlan.id', 'eth.padding', 'eth.trailer', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const STP_DST = hex('01 80 c2 00 00 00');
const SRC = hex('02 00 00 00 00 01');
/** An 802.3 frame to the bridge group address carrying `llc` (padded to 60 bytes). */
function dot3(llc: number[], dst = STP_DST): number[] {
  const f = [...dst, ...SRC, ...u16(llc.length), ...llc];
  while (f.length < 60) f.push(0);
  return f;
}
const bpduLlc = (bpdu: number[]): number[] => [0x42, 0x42, 0x03, ...bpdu];
const bid = (prio: number, mac: string): number[] => [...u16(prio), ...hex(mac)];
/** The 35 bytes of a configuration (type 0) or the 36 of an RST (type 2) BPDU. */
function bpdu(o: { version?: number; type?: number; flags?: number; root?: number[]; cost?: number; bridge?: number[]; port?: number; timers?: number[] } = {}): number[] {
  const t = o.type ?? 0;
  const b = [0, 0, o.version ?? (t === 2 ? 2 : 0), t, o.flags ?? 0, ...(o.root ?? bid(0x8000, '02 00 00 00 00 01')), ...u32(o.cost ?? 0),
    ...(o.bridge ?? bid(0x8000, '02 00 00 00 00 01')), ...u16(o.port ?? 0x8001), ...(o.timers ?? [0, 0x1400, 0x0200, 0x0f00]).flatMap(u16)];
  return t === 2 ? [...b, 0] : b;
}
/** An MST BPDU: the RST part, the configuration identifier, the CIST fields and `mstis` records. */
function mstBpdu(mstis: number[][], v3?: number): number[] {
  const name = [...Buffer.from('region-a', 'latin1'), ...Array(24).fill(0)];
  const body = [0, ...name, ...u16(7), ...Array(16).fill(0xab), ...u32(20000), ...bid(0x7001, '02 00 00 00 00 07'), 19, ...mstis.flat()];
  return [...bpdu({ version: 3, type: 2, flags: 0x7c }).slice(0, 36), ...u16(v3 ?? 64 + mstis.length * 16), ...body];
}
const msti = (id: number, flags: number): number[] => [flags, 0x80 | (id >> 8), id & 255, ...hex('02 00 00 00 00 09'), ...u32(2000), 0x80, 0x80, 19];

test('STP: configuration, TCN, RST and MST BPDUs agree with tshark', { skip: tsharkSkip() }, () => {
  const f = [
    dot3(bpduLlc(bpdu())), // the Linux bridge's configuration BPDU
    dot3(bpduLlc(bpdu({ flags: 0x81, root: bid(0x1064, '00 11 22 33 44 55'), cost: 100, port: 0x8002, timers: [0x0100, 0x1400, 0x0200, 0x0f00] }))),
    dot3(bpduLlc([0, 0, 0, 0x80])), // TCN
    dot3(bpduLlc(bpdu({ type: 2, flags: 0x3c }))), // RST, designated, learning and forwarding
    dot3(bpduLlc(bpdu({ type: 2, flags: 0x4b, cost: 4294967295 }))), // RST with proposal, agreement, a cost past 2^31
    dot3(bpduLlc(mstBpdu([msti(1, 0x7c), msti(2, 0x3d)]))), // MST with two MSTIs
    dot3(bpduLlc(mstBpdu([msti(5, 0x7c)], 1))), // MST whose Version 3 Length counts records (Cisco C3550)
    dot3(bpduLlc(mstBpdu([], 0))), // MST with a zero Version 3 Length
    dot3(bpduLlc(mstBpdu([msti(1, 0x7c)], 64 + 64))), // a Version 3 Length past the BPDU's end
    dot3(bpduLlc([0, 0, 0, 0x07, 1, 2, 3])), // unknown BPDU type
    dot3(bpduLlc(bpdu({ version: 7 }))), // unknown version
    dot3(bpduLlc(bpdu().slice(0, 20))), // cut before the port identifier
    dot3(bpduLlc(bpdu().slice(0, 30))), // cut in the timers
    dot3(bpduLlc([0, 0])), // cut before the type
    // 802.1Q-tagged BPDU (a length behind the tag)
    [...STP_DST, ...SRC, 0x81, 0x00, 0x00, 0x05, ...u16(38), ...bpduLlc(bpdu()), 0, 0, 0, 0],
    // Cisco PVST+ on SNAP, PID 0x010b, with its originating VLAN TLV
    [...hex('01 00 0c cc cc cd'), ...SRC, 0x81, 0x00, 0x00, 0x0a, ...u16(50), 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x01, 0x0b,
      ...bpdu({ root: bid(0x800a, '00 11 22 33 44 55') }), 0, 0, 0, 0, 2, 0, 10],
    // ethertype 0x8181
    [...STP_DST, ...SRC, 0x81, 0x81, ...bpdu(), ...Array(11).fill(0)],
    // GARP: an application tshark does not know, on the BPDU SAP
    dot3(bpduLlc([0, 1, 1, 0]), hex('01 80 c2 00 00 2a')),
  ];
  const r = craftedAgrees('stp', f, STP_FIELDS, { seed: ['stp', 0x42] });
  assert.equal(r.theirs[0][STP_FIELDS.indexOf('_ws.col.Info')], 'Conf. Root = 32768/0/02:00:00:00:00:01  Cost = 0  Port = 0x8001');
  assert.match(r.theirs[5][STP_FIELDS.indexOf('_ws.col.Info')], /^MST\. Root = /);
});

/** Each BPDU's type and flags byte in a capture being written (a record cut at the end is not counted yet). */
function bpdus(path: string): Array<[type: number, flags: number]> {
  try {
    return parseCaptureBuffer(readFileSync(path)).packets
      .filter((p) => p.data.length >= 22 && p.data[14] === 0x42 && p.data[15] === 0x42).map((p) => [p.data[20], p.data[21]]);
  } catch { return []; }
}

const liveSkip = (): string | false => tsharkSkip() || (!isRoot() ? 'needs root (network namespaces)' : !hasCommand('tcpdump') ? 'tcpdump not installed' : false);

test('STP: the kernel bridge\'s own BPDUs agree with tshark', { skip: liveSkip() }, async () => {
  await withLivePair('xs-stp-', async (pair, dir) => {
    // two bridges, one port each, joined by the pair: the server's (priority 0x1000) is the
    // root; when its port reaches forwarding (2 × forward delay) it flags a topology change
    for (const [ns, ifn, prio] of [[pair.serverNs, pair.serverIf, 4096], [pair.clientNs, pair.clientIf, 36864]] as const) {
      pair.exec(ns, ['ip', 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '1', 'priority', String(prio), 'hello_time', '100', 'forward_delay', '200']);
      pair.exec(ns, ['ip', 'link', 'set', ifn, 'master', 'br0']);
      pair.exec(ns, ['ip', 'link', 'set', 'br0', 'up']);
    }
    const path = join(dir, 'stp.pcap');
    const dump = await startTcpdump(pair, 'client', path, 'stp');
    try {
      await until(() => { const b = bpdus(path); return b.length >= 4 && b.some(([t, f]) => t === 0 && (f & 1) === 1); }, 'configuration BPDUs, one flagging a topology change', 30_000);
    } finally {
      await dump.stop();
    }
    const r = compareFile(path, STP_FIELDS);
    const b = bpdus(path);
    console.log(`# stp live: ${r.cells} cells over ${r.frames} frames (${b.length} BPDUs, ${b.filter(([, f]) => f & 1).length} with TC) compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
    assert.ok(r.theirs.some((row) => /^Conf\. TC \+ Root = 4096\/0\//.test(row[STP_FIELDS.indexOf('_ws.col.Info')])));
  });
});
