// Direction and the other pcapng epb_flags bits: what a capture writes into
// its EPBs, tshark reads the same way (frame.packet_flags_direction == 2
// finds our outbound frames), our reader gives them back, and our fields
// and filters agree with tshark 4.0 on the same file. The foreign XDP
// program's action (ours, under our PEN) survives a save and a reopen.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PcapngWriter } from '../../../main/engine/pcapng/writer';
import { MemorySink } from '../../../main/engine/file/sink';
import { parseCaptureBuffer } from '../../../main/engine/file';
import { Dissector } from '../../../main/engine/dissect';
import { labelOf } from '../../../main/engine/dissect/labels';
import { FieldsFormatter, defaultFieldsOptions } from '../../../main/engine/output/fields';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import type { RawPacket } from '../../../main/engine/types';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { EngineService } from '../../../main/engine/service/service';
import { filterFor, formatColumn } from '../../../renderer/lib/format';
import { blockToRows } from '../../../renderer/lib/rows';
import { hasCommand, outputDir } from '../../lib/env';
import { eth, ipv4, udp } from '../dissect/packets';
import { openLoaded } from '../../lib/service';

const FIELDS = [
  'frame.number', 'frame.packet_flags', 'frame.packet_flags_direction', 'frame.packet_flags_reception_type',
  'frame.packet_flags_fcs_length', 'frame.packet_flags_reserved', 'frame.packet_flags_crc_error',
  'frame.packet_flags_symbol_error',
];

/** flags per frame (undefined: no epb_flags option), the action where a traced program gave one, a comment on one */
const FRAMES: Array<{ flags?: number; xdpAction?: number; comment?: string }> = [
  { flags: 1 },
  { flags: 2 },
  {},
  { flags: 0x8100000a, comment: 'crc and symbol errors, multicast, outbound' },
  { flags: 0 },
  { flags: 1, xdpAction: 1 },
  { flags: 1, xdpAction: 2 },
  { xdpAction: 4 },
];

function writeFile(): Buffer {
  const sink = new MemorySink();
  const w = new PcapngWriter(sink);
  // unnamed: our frame line cannot name an interface (packets do not carry if_name), tshark's would
  const id = w.addInterface({ linkType: 1, snaplen: 262144 });
  FRAMES.forEach((f, i) => {
    const data = Uint8Array.from(eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(4000 + i, 53, [1, 2, 3, 4]))));
    w.writePacket(id, 1_700_000_000_000_000_000n + BigInt(i) * 1000n, data, data.length,
      f.comment ? [f.comment] : undefined, { flags: f.flags, xdpAction: f.xdpAction });
  });
  w.close();
  return Buffer.from(sink.bytes());
}

const tshark = (file: string, args: string[]): string =>
  execFileSync('tshark', ['-r', file, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

describe('pcapng packet flags', () => {
  const bytes = writeFile();
  const file = join(outputDir('pcapng'), 'packet-flags.pcapng');
  writeFileSync(file, bytes);
  const parsed = parseCaptureBuffer(bytes);

  it('reads back the flags word and the XDP action exactly as written (absent stays absent)', () => {
    assert.equal(parsed.error, null);
    assert.deepEqual(parsed.packets.map((p) => p.flags), FRAMES.map((f) => f.flags));
    assert.deepEqual(parsed.packets.map((p) => p.xdpAction), FRAMES.map((f) => f.xdpAction));
    assert.deepEqual(parsed.packets[3].comments, [FRAMES[3].comment]);
  });

  it('agrees with tshark 4.0 on every packet_flags field and on the direction filter', { skip: hasCommand('tshark') ? false : 'needs tshark' }, () => {
    const theirs = tshark(file, ['-T', 'fields', ...FIELDS.flatMap((f) => ['-e', f])]).replace(/\n$/, '').split('\n');
    for (const opts of [{}, { fields: FIELDS }]) {
      const dis = new Dissector({ geoip: null, ...opts });
      const fmt = new FieldsFormatter(defaultFieldsOptions(FIELDS));
      const ours = parsed.packets.map((p) => fmt.line(dis.dissect(p)).replace(/\n$/, ''));
      assert.deepEqual(ours, theirs);
    }
    for (const expr of ['frame.packet_flags_direction == 2', 'frame.packet_flags_direction == 1', 'frame.packet_flags', 'frame.packet_flags_crc_error']) {
      const want = tshark(file, ['-Y', expr, '-T', 'fields', '-e', 'frame.number']).trim().split('\n').filter(Boolean).map(Number);
      const r = compileDisplayFilter(expr);
      assert.ok(r.ok, expr);
      const dis = new Dissector({ geoip: null });
      const got = parsed.packets.filter((p) => r.ok && r.filter.matches(dis.dissect(p))).map((p) => p.number);
      assert.deepEqual(got, want, expr);
    }
    // the frame line says which way, as Wireshark's does
    const line = (p: RawPacket): string => { const d = new Dissector({ geoip: null }).dissect(p); return labelOf(d.tree[0], d); };
    const theirLines = tshark(file, ['-V']).split('\n').filter((l) => l.startsWith('Frame '));
    assert.deepEqual(parsed.packets.map(line), theirLines);
  });

  it('filters on xdp.action by number and by name', () => {
    const dis = new Dissector({ geoip: null });
    const hits = (expr: string): number[] => {
      const r = compileDisplayFilter(expr);
      assert.ok(r.ok, expr);
      return parsed.packets.filter((p) => r.ok && r.filter.matches(dis.dissect(p))).map((p) => p.number);
    };
    assert.deepEqual(hits('xdp.action == 1'), [6]);
    assert.deepEqual(hits('xdp.action == XDP_PASS'), [7]);
    assert.deepEqual(hits('xdp.action'), [6, 7, 8]);
    const d = dis.dissect(parsed.packets[5]);
    const f = d.fields.find((x) => x.name === 'xdp.action')!;
    assert.match(labelOf(f, d), /XDP_DROP/);
  });

  it('keeps the flags and the action through a write of what was read', () => {
    const sink = new MemorySink();
    const w = new PcapngWriter(sink);
    const id = w.addInterface({ linkType: 1, snaplen: 262144 });
    for (const p of parsed.packets) w.writePacket(id, p.tsNs ?? 0n, p.data, p.origLen, p.comments, p);
    w.close();
    const again = parseCaptureBuffer(Buffer.from(sink.bytes()));
    assert.deepEqual(again.packets.map((p) => [p.flags, p.xdpAction, p.comments]), parsed.packets.map((p) => [p.flags, p.xdpAction, p.comments]));
    assert.deepEqual(readFileSync(file), bytes);
  });

  it('the packet list shows the direction as an arrow column that sorts and filters', async () => {
    process.env.XDPSCOPE_CONFIG_DIR ??= mkdtempSync(join(tmpdir(), 'xs-config-'));
    const svc = new EngineService({ emit: () => {} });
    try {
      await openLoaded(svc, file);
      const rows = blockToRows(svc.rows(0, 100));
      assert.deepEqual(rows.map((r) => r.direction), FRAMES.map((f) => (f.flags === undefined ? null : f.flags & 3)));
      const arrow = formatColumn('direction');
      assert.deepEqual([1, 2].map((v) => arrow(v)), ['← in', '→ out']);
      const expr = filterFor('direction', 2)!;
      assert.equal(expr, 'frame.packet_flags_direction == 2');
      assert.ok((await svc.call('setFilter', { text: expr })).ok);
      assert.deepEqual(blockToRows(svc.rows(0, 100)).map((r) => r.number), [2, 4]);
    } finally {
      await svc.shutdown();
    }
  });
});
