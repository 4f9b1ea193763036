// Every shared capture opens, and what we read agrees with tshark's oracle
// (frame count, frame.time_epoch, frame.len, frame.cap_len) and with capinfos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hasCommand, sharedCapturesSkipReason } from '../../lib/env';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { epochText } from '../../../main/engine/file/time';
import { LinkType } from '../../../main/engine/types';
import { captureNames, capturePath, oraclePackets, packetKey, readAll } from './helpers';

const skip = sharedCapturesSkipReason() ?? undefined;
/** Files whose damage stops tshark too; everything else must read cleanly. */
const DAMAGED = new Set(['kbandla-truncated_dns_2.pcap', 'gopacket-le-test901.pcapng']);

test('every shared capture matches the tshark oracle frame by frame', { skip }, async () => {
  const names = captureNames();
  assert.ok(names.length >= 29, `corpus has ${names.length} captures`);
  for (const name of names) {
    const { file, packets } = await readAll(capturePath(name));
    const oracle = oraclePackets(name);
    assert.equal(packets.length, oracle.length, `${name}: packet count`);
    packets.forEach((p, i) => {
      const o = oracle[i];
      const at = `${name} packet ${i + 1}`;
      assert.equal(p.number, i + 1, `${at}: number`);
      assert.equal(epochText(p), o.epoch, `${at}: frame.time_epoch`);
      assert.equal(p.origLen, o.len, `${at}: frame.len`);
      assert.equal(p.capLen, o.capLen, `${at}: frame.cap_len`);
      assert.equal(p.data.length, p.capLen, `${at}: data length`);
    });
    if (DAMAGED.has(name)) assert.ok(file.error, `${name}: damage reported`);
    else assert.equal(file.error, null, `${name}: ${file.error?.message}`);
    assert.equal(file.format, name.endsWith('.pcapng') ? 'pcapng' : 'pcap', `${name}: format`);
    assert.equal(file.compressed, false);
  }
});

test('packet counts agree with capinfos, also where it stops on damage', { skip: skip ?? (hasCommand('capinfos') ? undefined : 'capinfos not installed') }, async () => {
  for (const name of captureNames()) {
    const ci = spawnSync('capinfos', ['-c', '-M', capturePath(name)], { encoding: 'utf8' });
    // On damage capinfos exits non-zero with "An error occurred after reading N packets".
    const m = ci.status === 0 ? /Number of packets:\s+(\d+)/.exec(ci.stdout) : /after reading (\d+) packets/.exec(ci.stderr);
    assert.ok(m, `capinfos on ${name}: ${ci.stderr}`);
    const { packets, file } = await readAll(capturePath(name));
    assert.equal(packets.length, Number(m[1]), name);
    assert.equal(file.error !== null, ci.status !== 0, `${name}: damage reported by both or neither`);
  }
});

test('the in-memory parser and the streaming reader agree, whatever the chunk and batch size', { skip }, async () => {
  for (const name of captureNames()) {
    const bytes = readFileSync(capturePath(name));
    const mem = parseCaptureBuffer(bytes);
    const want = mem.packets.map(packetKey);
    // chunkSize 1: every record straddles chunk boundaries; maxBatch 1: one packet per batch.
    for (const opts of [{}, { chunkSize: 1, maxBatch: 1 }, { chunkSize: 97, maxBatch: 3 }]) {
      const { file, packets, batches } = await readAll(capturePath(name), opts);
      assert.deepEqual(packets.map(packetKey), want, `${name} ${JSON.stringify(opts)}`);
      assert.equal(file.error?.message, mem.error?.message, `${name}: same error`);
      assert.equal(file.interfaces.length, mem.interfaces.length);
      assert.equal(file.customBlocks.length, mem.customBlocks.length);
      if (!file.error) assert.equal(file.bytesRead, bytes.length, `${name}: whole file read`);
      assert.equal(file.size, bytes.length);
      if (opts.maxBatch === 1) assert.equal(batches, packets.length);
    }
  }
});

test('test202: three sections (the middle one big-endian), five interfaces, NRB, ISB, SPB and custom blocks', { skip }, async () => {
  const { file, packets } = await readAll(capturePath('gopacket-le-test202.pcapng'));
  assert.deepEqual(file.sections.map((s) => s.bigEndian), [false, true, false]);
  assert.deepEqual(file.sections.map((s) => s.comments), [['test202 SHB-0'], ['test202 SHB-1'], ['test202 SHB-2']]);
  assert.equal(file.sections[0].userAppl, 'pcap_writer.lua');
  assert.equal(file.sections[0].hardware, 'Apple MBP');
  assert.equal(file.sections[0].os, 'OS-X 10.10.5');
  assert.deepEqual(file.interfaces.map((i) => [i.id, i.section, i.localId, i.linkType, i.name]), [
    [0, 0, 0, LinkType.ETHERNET, 'eth0'],
    [1, 0, 1, LinkType.NULL, 'null1'],
    [2, 1, 0, LinkType.ETHERNET, 'silly ethernet interface 2'],
    [3, 2, 0, LinkType.ETHERNET, 'eth0'],
    [4, 2, 1, LinkType.NULL, 'null1'],
  ]);
  // Interface ids are global across sections; link types follow the interface.
  assert.deepEqual(packets.map((p) => [p.interfaceId, p.linkType]),
    [[0, 1], [0, 1], [1, 0], [2, 1], [2, 1], [2, 1], [2, 1], [4, 0]]);
  // Simple Packet Blocks carry no timestamp; their captured length is cut to the snaplen.
  assert.deepEqual(packets.filter((p) => p.tsNs === null).map((p) => [p.number, p.origLen, p.capLen]), [[4, 314, 128], [6, 314, 128]]);
  assert.deepEqual(file.customBlocks.map((c) => [c.pen, c.copyable, c.section, c.fileOffset]), [
    [32473, true, 0, 216], [32473, false, 1, 1412], [36724, false, 2, 2468],
  ]);
  assert.equal(Buffer.from(file.customBlocks[0].payload).toString('latin1'), 'an example Custom Block\0');
  assert.equal(file.nameResolution.length, 16);
  assert.deepEqual(file.nameResolution[3], { family: 6, address: 'fc01:dead::beef', names: ['example.com'], section: 0 });
  assert.deepEqual(file.nameResolution[6], { family: 4, address: '192.168.1.2', names: ['qux.example.com'], section: 1 });
  assert.equal(file.stats.length, 4);
  assert.deepEqual(file.stats[3], {
    interfaceId: 3, tsNs: 0n, fileOffset: 2576, startNs: 1340954905298858000n, endNs: 1340954905299858000n,
    received: 100, dropped: 1, filterAccepted: 9, osDropped: 42, userDelivered: 6, comments: ['test202 ISB-0'],
  });
});

test('per-interface if_tsresol: nanosecond and microsecond interfaces in one file', { skip }, async () => {
  const { file, packets } = await readAll(capturePath('zeek-pcapng-multi-interface.pcapng'));
  assert.deepEqual(file.interfaces.map((i) => [i.tsResol, i.tsUnitNs]), [[9, 1], [6, 1000]]);
  assert.equal(file.interfaces[1].description, 'Ethernet 2');
  assert.equal(packets[0].tsNs, 1767663089500330493n);
  assert.equal(packets[2].tsNs, 1767663437111897000n);
});

test('big-endian pcapng and SHB comments', { skip }, async () => {
  const be = await readAll(capturePath('gopacket-be-test006.pcapng'));
  assert.equal(be.file.sections[0].bigEndian, true);
  assert.deepEqual(be.file.sections[0].comments, ['test006']);
  assert.deepEqual(be.packets.map((p) => p.linkType), [1, 0, 1, 1, 1]);
  const vlan = await readAll(capturePath('zeek-vlan-pcp-dei.pcapng'));
  assert.match(vlan.file.sections[0].comments?.[0] ?? '', /^File created by merging/);
});

test('classic pcap headers: byte order, ns magic, FCS bits in the link-type field', { skip }, async () => {
  const pptp = await readAll(capturePath('tcpdump-pptp.pcap'));
  assert.equal(pptp.file.pcapHeader?.bigEndian, true);
  const ns = await readAll(capturePath('zeek-get-to-ssh-server.pcap'));
  assert.equal(ns.file.pcapHeader?.nanosecond, true);
  assert.equal(ns.file.interfaces[0].tsUnitNs, 1);
  const fcs = await readAll(capturePath('tcpdump-tcp_header_heapoverflow.pcap'));
  assert.equal(fcs.file.pcapHeader?.linkTypeField, 0x30000001);
  assert.equal(fcs.packets[0].linkType, LinkType.ETHERNET);
  assert.deepEqual([fcs.packets[0].capLen, fcs.packets[0].origLen], [46, 262144]);
  for (const [name, lt] of [['zeek-linux_dlt_sll2.pcap', 276], ['zeek-linuxsll-arp.pcap', 113],
    ['tcpdump-LINKTYPE_RAW_ipv4.pcap', 101], ['zeek-basic-auth-with-colon.pcap', 228]] as const) {
    const r = await readAll(capturePath(name));
    assert.ok(r.packets.every((p) => p.linkType === lt), `${name}: link type ${lt}`);
  }
});

test('nanosecond fractions >= 1 s are kept raw so tshark\'s odd epoch text can be reproduced', { skip }, async () => {
  const { packets, file } = await readAll(capturePath('tcpdump-timestamp_invalid_nano.pcap'));
  assert.equal(file.error, null);
  assert.deepEqual(packets.map((p) => [p.tsSec, p.tsFrac, p.tsUnitNs]),
    [[1418145369, 999999999, 1], [1418145370, 1000000000, 1], [1418145370, 2147483648, 1]]);
  assert.deepEqual(packets.map(epochText), ['1418145369.999999999', '1418145370.1000000000', '-1418145370.2147483648']);
});
