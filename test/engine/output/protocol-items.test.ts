// Protocol items in `-T fields` (-e ip, -e tcp, -e eth, -e frame, -e data …):
// the CLI prints what the installed tshark 4.0 prints (the item's tree line,
// its filter name, or its bytes), with MAC vendor names from Wireshark's
// manuf file; plus the manuf lookup itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CAPTURES, CLI, hasCommand, sharedCapturesSkipReason } from '../../lib/env';
import { allFields } from '../../../main/engine/fields/registry';
import { Dissector, withLabels } from '../../../main/engine/dissect';
import { protocolItemInputs } from '../../../main/engine/dissect/labels';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { FieldsFormatter, defaultFieldsOptions } from '../../../main/engine/output/fields';
import { DEFAULT_MANUF, loadMacNames, parseManuf, MacNames } from '../../../main/engine/enrich/manuf';

const readCli = (args: string[], env: NodeJS.ProcessEnv = {}): string => {
  const r = spawnSync(process.execPath, [CLI, 'read', ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  return r.stdout;
};
const rows = (text: string): string[][] => text.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));

/** Protocol items we register that tshark 4.0 knows too (its protocols and FT_PROTOCOL fields). */
function sharedProtocols(): string[] {
  void new Dissector(); // every dissector module registered
  const g = spawnSync('tshark', ['-G', 'fields'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const theirs = new Set<string>();
  for (const l of g.stdout.split('\n')) {
    const c = l.split('\t');
    if (c[0] === 'P') theirs.add(c[2]);
    else if (c[3] === 'FT_PROTOCOL') theirs.add(c[2]);
  }
  // Wireshark's own items are left out: our expert items are fewer than tshark's (no Chat-level ones, as
  // "Connection establish request (SYN)"), so _ws.expert and _ws.malformed are tested in cli/read-details
  return allFields().filter((f) => f.type === 'protocol' && theirs.has(f.name) && !f.name.startsWith('_ws.')).map((f) => f.name).sort();
}

/** Justified differences: [capture, protocol item, frame, reason]. */
const KNOWN: Array<[string, string, number, string]> = [
  // a MIME multipart body's parts (media, data) are not decoded
  ['zeek-ctu-62604-80.pcap', 'data', 9, 'multipart parts'],
  ['zeek-ctu-62604-80.pcap', 'media', 9, 'multipart parts'],
  // tshark gives the segment two TLS items (the reassembled record and the one that starts here); we give one
  ['zeek-certificate-with-sct.pcap', 'tls', 10, 'second TLS item'],
  ['zeek-chrome-34-google.pcap', 'tls', 8, 'second TLS item'],
];

/**
 * tshark's frame line names a pcapng interface ("on interface eth0, id 0");
 * packets carry only the interface id here, so ours says "unknown" (as tshark
 * for an interface without a name). Returns tshark's line as ours writes it.
 */
const IFACE = / on interface (.*), id (\d+)$/;
const withoutIfName = (s: string): string => s.replace(IFACE, ' on interface unknown, id $2');

const skip = sharedCapturesSkipReason() ?? (hasCommand('tshark') ? false : 'tshark not installed');

test('protocol items (-e ip -e tcp -e eth -e frame …) print as tshark 4.0 prints them, on every capture', { skip, timeout: 180_000 }, () => {
  const PROTOS = sharedProtocols();
  assert.ok(PROTOS.length > 50, `${PROTOS.length} protocol items`);
  const args = [...PROTOS.flatMap((p) => ['-e', p]), '-e', 'frame.number'];
  const failures: string[] = [];
  const used = new Set<number>();
  let compared = 0, ifaceNames = 0;
  const perItem = new Map<string, number>();
  for (const cap of readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
    // tshark lists this file's custom blocks as frames, so frame numbers differ (see oracle.test.ts)
    if (cap === 'gopacket-le-test202.pcapng') continue;
    const path = join(CAPTURES, cap);
    const t = spawnSync('tshark', ['-r', path, '-T', 'fields', ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, TZ: 'UTC' } });
    const theirs = rows(t.stdout);
    const ours = rows(readCli(['-r', path, '-T', 'fields', ...args]));
    assert.equal(ours.length, theirs.length, `${cap}: frame count`);
    // each item alone (the smallest field subset: the line's own inputs only) and in a whole dissection prints the same
    const packets = parseCaptureBuffer(readFileSync(path)).packets;
    const whole = new Dissector({ geoip: null }), wholeFmt = new FieldsFormatter(defaultFieldsOptions(PROTOS));
    const wholeRows = packets.map((p) => wholeFmt.line(whole.dissect(p)).replace(/\n$/, '').split('\t'));
    PROTOS.forEach((name, k) => {
      const alone = new Dissector({ geoip: null, fields: [name] }), fmt = new FieldsFormatter(defaultFieldsOptions([name]));
      packets.forEach((p, i) => {
        const line = fmt.line(alone.dissect(p)).replace(/\n$/, '');
        if (line !== ours[i][k]) failures.push(`${cap} frame ${i + 1} -e ${name} alone: '${line.slice(0, 120)}', with all items '${ours[i][k].slice(0, 120)}'`);
        if (wholeRows[i][k] !== ours[i][k]) failures.push(`${cap} frame ${i + 1} ${name} whole dissection: '${wholeRows[i][k].slice(0, 120)}'`);
      });
    });
    theirs.forEach((row, i) => {
      assert.equal(ours[i][PROTOS.length], row[PROTOS.length], `${cap}: frame numbers line up`);
      PROTOS.forEach((name, k) => {
        let want = row[k] ?? '';
        const got = ours[i][k] ?? '';
        if (want === '' && got === '') return;
        compared++;
        if (name === 'frame' && IFACE.test(want) && !want.includes('on interface unknown,')) { want = withoutIfName(want); ifaceNames++; }
        if (want === got) { perItem.set(name, (perItem.get(name) ?? 0) + 1); return; }
        const known = KNOWN.findIndex(([c, f, n]) => c === cap && f === name && n === i + 1);
        if (known >= 0) { used.add(known); return; }
        failures.push(`${cap} frame ${i + 1} ${name}: tshark '${want.slice(0, 200)}', ours '${got.slice(0, 200)}'`);
      });
    });
  }
  console.log(`compared ${compared} protocol-item values (${PROTOS.length} items asked, ${perItem.size} present and equal somewhere), ` +
    `${used.size} listed differences, ${ifaceNames} frame lines with a pcapng interface name read as "unknown"`);
  assert.deepEqual(failures, []);
  assert.deepEqual(KNOWN.filter((_, i) => !used.has(i)), [], 'every listed difference still occurs (the list stays honest)');
  // the common layers are really compared, not only found empty on both sides
  for (const p of ['frame', 'eth', 'ip', 'ipv6', 'tcp', 'udp', 'arp', 'dns', 'vlan', 'sll', 'http', 'data', 'data-text-lines', 'gre', 'dhcp']) {
    assert.ok((perItem.get(p) ?? 0) > 0, `${p} compared`);
  }
});

/** Frames whose layer list differs from tshark's tree (a layer nested under another there, a second TLS item): [capture, frame]. */
const NESTED: Array<[string, number, string]> = [
  ['gopacket-be-test006.pcapng', 2, 'json under db-lsp-disc in tshark'],
  ['zeek-certificate-with-sct.pcap', 10, 'second TLS item'],
  ['zeek-chrome-34-google.pcap', 8, 'second TLS item'],
];

test('the UI detail tree layer lines are those of tshark -V, on every capture', { skip, timeout: 120_000 }, () => {
  const failures: string[] = [];
  const used = new Set<number>();
  let compared = 0, nestedData = 0;
  for (const cap of readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort()) {
    if (cap === 'gopacket-le-test202.pcapng') continue; // custom blocks as frames in tshark
    const path = join(CAPTURES, cap);
    const v = spawnSync('tshark', ['-r', path, '-V'], { encoding: 'utf8', maxBuffer: 256 << 20 }).stdout;
    // top-level tree lines per frame; hex panes of reassembled/decoded data and expert lines left out
    const frames = v.split(/\n\n(?=Frame \d+:)/).map((b) => b.split('\n').filter((l) =>
      l !== '' && !/^\s/.test(l) && !l.startsWith('[') && !/^[0-9a-f]{4} {2}/.test(l) && !/^[A-Z][\w -]*\(\d+ bytes\):$/.test(l)));
    const dis = new Dissector({ geoip: null, enrich: false });
    parseCaptureBuffer(readFileSync(path)).packets.forEach((p, i) => {
      const d = withLabels(dis.dissect(p));
      // tshark puts ICMP's echo data under the ICMP item; ours is a layer of its own
      const ours = d.tree.filter((f, k) => !(f.name === 'data' && /^icmp(v6)?$/.test(d.tree[k - 1]?.name ?? '') && ++nestedData)).map((f) => f.label ?? '');
      const theirs = (frames[i] ?? []).map(withoutIfName);
      compared += theirs.length;
      if (ours.join('\n') === theirs.join('\n')) return;
      const known = NESTED.findIndex(([c, n]) => c === cap && n === i + 1);
      if (known >= 0) { used.add(known); return; }
      failures.push(`${cap} frame ${i + 1}: tshark ${JSON.stringify(theirs)}, ours ${JSON.stringify(ours)}`);
    });
  }
  console.log(`compared ${compared} tshark -V layer lines (${nestedData} ICMP data layers left out: nested in tshark)`);
  assert.deepEqual(failures, []);
  assert.deepEqual(NESTED.filter((_, i) => !used.has(i)), [], 'every listed difference still occurs');
});

test('a threaded read prints the same protocol items as one thread', { skip: sharedCapturesSkipReason() ?? false }, () => {
  const path = join(CAPTURES, 'zeek-100-continue.pcap');
  const args = ['-r', path, '-T', 'fields', '-e', 'frame', '-e', 'eth', '-e', 'ip', '-e', 'tcp', '-e', 'http', '-e', 'data-text-lines', '-e', 'ip.src'];
  const one = readCli(args, { XDPSCOPE_READ_THREADS: '1' });
  const three = readCli(args, { XDPSCOPE_READ_THREADS: '3' });
  assert.ok(one.includes('Transmission Control Protocol, Src Port: '), 'tcp tree lines present');
  assert.equal(three, one);
});

test('without a manuf file the eth line shows plain addresses, as tshark -n', { skip: sharedCapturesSkipReason() ?? false }, () => {
  const path = join(CAPTURES, 'gopacket-test_ethernet.pcap');
  const out = readCli(['-r', path, '-c', '1', '-T', 'fields', '-e', 'eth', '-e', 'eth.src_resolved'], { XDPSCOPE_MANUF: '/nonexistent/manuf' });
  assert.equal(out, 'Ethernet II, Src: 58:6d:8f:99:ec:a8, Dst: c4:39:3a:02:a9:2a\t58:6d:8f:99:ec:a8\n');
  if (existsSync(DEFAULT_MANUF)) {
    const named = readCli(['-r', path, '-c', '1', '-T', 'fields', '-e', 'eth', '-e', 'eth.src_resolved', '-e', 'eth.src.oui', '-e', 'eth.src.oui_resolved']);
    assert.equal(named, 'Ethernet II, Src: Cisco-Li_99:ec:a8 (58:6d:8f:99:ec:a8), Dst: SMCNetwo_02:a9:2a (c4:39:3a:02:a9:2a)\tCisco-Li_99:ec:a8\t5795215\tCisco-Linksys, LLC\n');
  }
});

test('a protocol item adds only the fields its line reads; none asked, the subset stays as it was', () => {
  assert.deepEqual(protocolItemInputs(['ip.src', 'tcp.srcport', 'frame.protocols']), []);
  assert.deepEqual(protocolItemInputs(['ip.src', 'http', 'tls', 'frame']), []);
  assert.deepEqual(protocolItemInputs(['data']), ['data.data']);
  assert.deepEqual(protocolItemInputs(['ip.src', 'ip']), ['ip.src', 'ip.dst']);
  assert.deepEqual(new Dissector({ fields: ['ip.src', 'http'] }).wantedNames(), ['ip.src', 'http']);
  assert.deepEqual(new Dissector({ fields: ['eth', 'ip.src'] }).wantedNames(), ['eth', 'ip.src', 'eth.src', 'eth.dst']);
});

const a = (s: string): number[] => s.split(':').map((h) => parseInt(h, 16));

test('manuf lookup: vendor prefixes, /28 and /36 blocks, well-known ranges and whole addresses as Wireshark 4.0', () => {
  const manuf = [
    '# comment line',
    '00:00:0C\tCisco\tCisco Systems, Inc',
    '58:6D:8F\tCisco-Li\tCisco-Linksys, LLC',
    '00:55:DA\tIEEERegi\tIEEE Registration Authority',
    '00:55:DA:00:00:00/28\tShinkoTe\tShinko Technos co.,ltd.',
    '00:55:DA:10:00:00/28\tKoolPOS\tKoolPOS Inc.',
    '00:1B:C5:00:00:00/36\tConvergi\tConverging Systems Inc.',
    '00:1B:C5:00:10:00/36\tOpenRBco\tOpenRB.com, Direct SIA',
  ].join('\n');
  const wka = ['FF-FF-FF-FF-FF-FF\tBroadcast', '33-33-00-00-00-00/16\tIPv6mcast', '00-00-0C-07-AC/40\tAll-HSRP-routers', '01-00-5E/25\tIPv4mcast'].join('\n');
  const n = new MacNames(parseManuf([manuf, wka]));
  assert.equal(n.resolve(a('58:6d:8f:99:ec:a8')), 'Cisco-Li_99:ec:a8');
  // the group bit is no part of the vendor prefix
  assert.equal(n.resolve(a('59:6d:8f:99:ec:a8')), 'Cisco-Li_99:ec:a8');
  assert.equal(n.vendorLong(a('58:6d:8f:00:00:01')), 'Cisco-Linksys, LLC');
  assert.equal(n.vendorLong(a('59:6d:8f:00:00:01')), null);
  // /28 and /36 blocks: the block's name and the bytes it leaves (the checks below were taken from tshark 4.0)
  assert.equal(n.resolve(a('00:55:da:1a:bc:de')), 'KoolPOS_0a:bc:de');
  assert.equal(n.resolve(a('00:55:da:00:00:00')), 'ShinkoTe_00');
  assert.equal(n.resolve(a('00:1b:c5:00:1a:bc')), 'OpenRBco_0a:bc');
  assert.equal(n.resolve(a('00:1b:c5:00:01:23')), 'Convergi_01:23');
  // Wireshark keys ranges by masked address only: a /28 block also answers a longer mask's lookup
  assert.equal(n.resolve(a('00:55:da:10:00:05')), 'KoolPOS_05');
  assert.equal(n.resolve(a('33:33:00:00:00:16')), 'IPv6mcast_16');
  assert.equal(n.resolve(a('33:33:ff:00:00:16')), 'IPv6mcast_ff:00:00:16');
  assert.equal(n.resolve(a('00:00:0c:07:ac:01')), 'All-HSRP-routers_01');
  assert.equal(n.resolve(a('01:00:5e:7f:00:01')), 'IPv4mcast_7f:00:01');
  assert.equal(n.resolve(a('ff:ff:ff:ff:ff:ff')), 'Broadcast');
  assert.equal(n.resolve(a('a8:9c:6c:86:ef:b5')), null);
  assert.equal(n.vendor(a('00:00:0c:12:34:56')), 'Cisco');
});

test('manuf lookup: an absent file gives no names', () => {
  assert.equal(loadMacNames('/nonexistent/manuf'), null);
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-manuf-'));
  try {
    // a copy elsewhere, with its wka file beside it
    writeFileSync(join(dir, 'manuf'), '58:6D:8F\tCisco-Li\tCisco-Linksys, LLC\n');
    writeFileSync(join(dir, 'wka'), 'FF-FF-FF-FF-FF-FF\tBroadcast\n');
    const n = loadMacNames(join(dir, 'manuf'));
    assert.ok(n);
    assert.equal(n.resolve(a('ff:ff:ff:ff:ff:ff')), 'Broadcast');
    assert.equal(n.resolve(a('58:6d:8f:00:00:01')), 'Cisco-Li_00:00:01');
    assert.equal(n.size, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (existsSync(DEFAULT_MANUF)) {
    const deb = loadMacNames(DEFAULT_MANUF);
    assert.ok(deb && deb.size > 40000, 'Debian manuf loaded');
    assert.equal(deb.resolve(a('58:6d:8f:99:ec:a8')), 'Cisco-Li_99:ec:a8');
  }
});
