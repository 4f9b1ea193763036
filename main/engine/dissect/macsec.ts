// MACsec (IEEE 802.1AE, ethertype 0x88e5), as Linux's `ip link add … type
// macsec` sends it: the SecTAG (TCI/AN, short length, packet number, the
// SCI when its SC bit is set), then either the secure data (encrypted or
// changed: `data`, the last 16 bytes the ICV; without the key tshark shows
// no more) or, for integrity-only frames, the inner ethertype and its
// protocol, the bytes it leaves being the ICV. As tshark 4.0's
// packet-macsec.c, a frame with a version bit set or no byte past its
// SecTAG and ICV is not MACsec: it stays data under the ethertype's name.
import type { Ctx } from './context';
import type { State } from './state';
import { declare, HEX8, HEX16 } from './fields';
import { dissectData } from './data';
import { ethertype } from './link';
import { ETHERTYPE_NAMES } from './ethertypes';
import * as readers from './bytes';
import * as tables from './tables';
const { ETHERTYPE } = tables;
const { u16, u32 } = readers;

declare('macsec', '802.1AE Security tag', [
  ['macsec.TCI', 'uint', 'TCI', HEX8],
  ['macsec.TCI.V', 'uint', 'VER', HEX8],
  ['macsec.TCI.ES', 'bool', 'ES'],
  ['macsec.TCI.SC', 'bool', 'SC'],
  ['macsec.TCI.SCB', 'bool', 'SCB'],
  ['macsec.TCI.E', 'bool', 'E'],
  ['macsec.TCI.C', 'bool', 'C'],
  ['macsec.AN', 'uint', 'AN', HEX8],
  ['macsec.SL', 'uint', 'Short length'],
  ['macsec.PN', 'uint', 'Packet number'],
  ['macsec.SCI.system_identifier', 'ether', 'System Identifier'],
  ['macsec.SCI.port_identifier', 'uint', 'Port Identifier'],
  ['macsec.etype', 'uint', 'Ethertype', HEX16],
  ['macsec.ICV', 'bytes', 'ICV'],
]);

const ICV = 16;

function dissectMacsec(ctx: Ctx, st: State, off: number, end: number): number {
  const d = ctx.d;
  if (end <= off) {
    // packet-macsec.c reads the TCI before anything: nothing there is its bounds error, the link's columns kept
    ctx.layer('macsec', off, 0).value = '';
    if (ctx.protocols[ctx.protocols.length - 3] === 'eth') ctx.setSummary('Ethernet', 'Ethernet II');
    ctx.boundsAt('macsec', 'MACsec SecTAG missing', off, 0);
    return end;
  }
  const tci = d[off];
  const sectag = tci & 0x20 ? 14 : 6;
  if (tci & 0x80 || end - off <= sectag + ICV) {
    // not MACsec to tshark: the ethertype's data, named as an unknown payload is
    dissectData(ctx, off, end);
    ctx.protocol = '0x88e5';
    ctx.info = ETHERTYPE_NAMES[0x88e5];
    return end;
  }
  const l = ctx.layer('macsec', off, sectag);
  ctx.protocol = 'MACSEC';
  ctx.info = 'MACsec frame';
  const t = ctx.add(l, 'macsec.TCI', tci >> 2, off, 1);
  ctx.sub(t, 'macsec.TCI.V', tci >> 7, off, 1);
  ctx.sub(t, 'macsec.TCI.ES', (tci & 0x40) !== 0, off, 1);
  ctx.sub(t, 'macsec.TCI.SC', (tci & 0x20) !== 0, off, 1);
  ctx.sub(t, 'macsec.TCI.SCB', (tci & 0x10) !== 0, off, 1);
  ctx.sub(t, 'macsec.TCI.E', (tci & 0x08) !== 0, off, 1);
  ctx.sub(t, 'macsec.TCI.C', (tci & 0x04) !== 0, off, 1);
  ctx.add(l, 'macsec.AN', tci & 3, off, 1);
  ctx.add(l, 'macsec.SL', d[off + 1] & 0x3f, off + 1, 1);
  ctx.add(l, 'macsec.PN', u32(d, off + 2), off + 2, 4);
  if (sectag === 14) {
    ctx.add(l, 'macsec.SCI.system_identifier', d.subarray(off + 6, off + 12), off + 6, 6);
    ctx.add(l, 'macsec.SCI.port_identifier', u16(d, off + 12), off + 12, 2);
  }
  const data = off + sectag;
  if (tci & 0x0c) {
    // encrypted or changed: without the key, the secure data stays opaque
    dissectData(ctx, data, end - ICV);
    ctx.add(l, 'macsec.ICV', d.subarray(end - ICV, end), end - ICV, ICV);
    return end;
  }
  // integrity only: the user data is readable, and what its protocol leaves is the ICV
  const type = u16(d, data);
  ctx.add(l, 'macsec.etype', type, data, 2);
  const used = ethertype(ctx, st, type, data + 2, end);
  if (used < end) ctx.add(l, 'macsec.ICV', d.subarray(used, end), used, end - used);
  return end;
}

ETHERTYPE.add(0x88e5, dissectMacsec);
