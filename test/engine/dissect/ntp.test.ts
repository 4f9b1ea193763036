// NTP against a real client: ntpsec's ntpdig queries a stand-in server in
// the other namespace (a real NTP server would set the host's clock or
// replace its time service) that answers as stratum 2 (an address as
// reference id), stratum 1 ("GPS") and with a kiss-o'-death ("RATE"),
// and once with a key (an authenticated request: key id and MAC). Every
// frame is compared with tshark, the NULL origin timestamp included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../../lib/env';
import { runPeers, peersSkipReason } from './peers';
import { compareFile, craftedAgrees, tsharkSkip } from './compare';
import { eth, ipv4, udp } from './packets';

const SERVER = String.raw`
const s = require('dgram').createSocket('udp4');
let n = 0;
const ntp = (ms) => [Math.floor(ms / 1000) + 2208988800, Math.floor(((ms % 1000) / 1000) * 2 ** 32) >>> 0];
s.on('message', (m, r) => {
  if (m.length < 48) return;
  const b = Buffer.alloc(48);
  const kind = n++ % 3;
  b[0] = (((m[0] >> 3) & 7) << 3) | 4;
  b[1] = [2, 1, 0][kind]; b[2] = m[2]; b[3] = 0xe9;
  b.writeUInt32BE(0x1234, 4); b.writeUInt32BE(0x20abc, 8);
  if (kind === 0) b.writeUInt32BE(0xc612007b, 12); else b.write(kind === 1 ? 'GPS\0' : 'RATE', 12, 'latin1');
  const now = Date.now();
  const [rs, rf] = ntp(now - 60000); b.writeUInt32BE(rs, 16); b.writeUInt32BE(rf, 20);
  m.copy(b, 24, 40, 48);
  const [s1, f1] = ntp(now); b.writeUInt32BE(s1, 32); b.writeUInt32BE(f1, 36); b.writeUInt32BE(s1, 40); b.writeUInt32BE((f1 + 1000) >>> 0, 44);
  s.send(b, r.port, r.address);
});
s.bind(+process.env.PORT, process.env.HOST, () => console.log('listening'));
`;

const FIELDS = ['frame.protocols', 'udp.stream', 'ntp', 'ntp.flags', 'ntp.flags.li', 'ntp.flags.vn', 'ntp.flags.mode', 'ntp.stratum', 'ntp.ppoll', 'ntp.precision',
  'ntp.rootdelay', 'ntp.rootdispersion', 'ntp.refid', 'ntp.reftime', 'ntp.org', 'ntp.rec', 'ntp.xmt', 'ntp.keyid', 'ntp.mac',
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('NTP from ntpdig agrees with tshark', { skip: peersSkipReason() || (hasCommand('ntpdig') ? false : 'needs ntpdig (ntpsec-ntpdig)'), timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-ntp-'));
  const keys = join(dir, 'keys');
  writeFileSync(keys, '1 MD5 testsecret\n', { mode: 0o600 });
  // (ntpdig refuses the kiss-o'-death and the unsigned answer to its signed query: its exit status is not the point)
  const dig = (args: string): string[] => ['sh', '-c', `ntpdig -t 2 ${args} {ip} || true`];
  const run = await runPeers(SERVER, 123, [dig(''), dig(''), dig(''), dig(`-k ${keys} -a 1`)]);
  try {
    const r = compareFile(run.pcap, FIELDS);
    console.log(`# ntp: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual(r.diffs, []);
    const col = (name: string): string[] => r.theirs.map((row) => row[FIELDS.indexOf(name)]).filter(Boolean);
    assert.deepEqual(col('ntp.refid').filter((x) => x !== '00000000'), ['c612007b', '47505300', '52415445', 'c612007b']);
    assert.equal(col('ntp.mac').length, 1);
    assert.ok(col('ntp.org').includes('NULL'));
  } finally {
    run.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

// Info names versions 1-4 by number and every other "reserved", control and
// private modes by their short names, and a private request by its code;
// before, Info said "NTP Version 0" and "NTP control message".
test('NTP Info for every version and mode, private requests and short control/private headers agrees with tshark', { skip: tsharkSkip() }, () => {
  const ntpFrame = (body: number[]): number[] => eth(0x0800, ipv4('198.18.0.1', '198.18.0.2', 17, udp(123, 123, body)));
  const f: number[][] = [];
  for (let flags = 0; flags < 64; flags++) f.push(ntpFrame([flags, ...Array<number>(47).fill(0)]));
  for (const code of [0, 2, 9, 39, 40, 45, 46, 200]) f.push(ntpFrame([0x17, 0, 3, code, ...Array<number>(44).fill(0)]));
  f.push(ntpFrame([0x97, 0, 3, 2, ...Array<number>(4).fill(0)])); // a private response
  for (const n of [1, 3]) f.push(ntpFrame([0x27, 0x80, 3].slice(0, n)));
  for (const n of [1, 2, 11, 12]) f.push(ntpFrame([0x26, 0x81, ...Array<number>(10).fill(0)].slice(0, n)));
  craftedAgrees('ntp-info', f, FIELDS.filter((x) => x !== 'udp.stream'), { seed: ['ntp-info', 123] });
});
