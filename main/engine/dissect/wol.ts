// Wake-on-LAN magic packets: six 0xff bytes, the target MAC sixteen times,
// and an optional SecureOn password of 4 or 6 bytes; on ethertype 0x0842
// and, as tshark 4.0's enabled-by-default UDP heuristic, on any UDP port no
// other protocol claims. The MAC is shown with its vendor name, as tshark
// shows it without -n. Anything else is not a magic packet (tshark's
// dissector rejects it: data under the ethertype's name).
import type { Ctx } from './context';
import type { State } from './state';
import { declare } from './fields';
import { dissectData } from './data';
import { etherToString } from './addr';
import { ETHERTYPE_NAMES } from './ethertypes';
import { macLabel } from '../enrich/manuf';
import * as tables from './tables';
const { ETHERTYPE, UDP_HEURISTICS } = tables;

declare('wol', 'Wake On LAN', [
  ['wol.sync', 'bytes', 'Sync stream'],
  ['wol.mac', 'ether', 'MAC'],
  ['wol.passwd', 'bytes', 'Password'],
]);

const MAGIC = 6 + 16 * 6;

/** Sync stream and sixteen copies of one MAC: a few compares reject anything else. */
function isMagic(d: Uint8Array, off: number, end: number): boolean {
  if (end - off < MAGIC) return false;
  for (let i = 0; i < 6; i++) if (d[off + i] !== 0xff) return false;
  for (let i = 12; i < MAGIC; i++) if (d[off + i] !== d[off + 6 + (i % 6)]) return false;
  return true;
}

const latin1Hex = (s: string, n: number): Uint8Array => Uint8Array.from(s.slice(0, n), (c) => c.charCodeAt(0));

function dissectMagic(ctx: Ctx, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('wol', off, MAGIC);
  ctx.protocol = 'WOL';
  const mac = d.subarray(off + 6, off + 12);
  const label = macLabel(mac, etherToString(mac));
  ctx.add(l, 'wol.sync', d.subarray(off, off + 6), off, 6);
  for (let i = 0; i < 16; i++) ctx.add(l, 'wol.mac', d.subarray(off + 6 + 6 * i, off + 12 + 6 * i), off + 6 + 6 * i, 6);
  const left = end - off - MAGIC;
  const pwLen = left >= 6 ? 6 : left >= 4 ? 4 : 0;
  let info = `MagicPacket for ${label}`;
  if (pwLen > 0) {
    const o = off + MAGIC;
    const pw = pwLen === 4 ? `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}` : etherToString(d.subarray(o, o + 6));
    // packet-wol.c adds the password's field from its formatted text, not its bytes: tshark prints those characters
    ctx.add(l, 'wol.passwd', latin1Hex(pw, pwLen), o, pwLen);
    l.len = MAGIC + pwLen;
    info += `, password ${pw}`;
  }
  ctx.info = info;
  l.value = `Wake On LAN, MAC: ${label}${pwLen > 0 ? `, password: ${info.slice(info.indexOf(', password ') + 11)}` : ''}`;
  // packet-wol.c claims the whole payload: bytes past the password are no Ethernet trailer
  return end;
}

ETHERTYPE.add(0x0842, (ctx: Ctx, _st: State, off: number, end: number) => {
  if (isMagic(ctx.d, off, end)) return dissectMagic(ctx, off, end);
  dissectData(ctx, off, end);
  ctx.protocol = '0x0842';
  ctx.info = ETHERTYPE_NAMES[0x0842];
  return end;
});
UDP_HEURISTICS.add((ctx, _st, off, end) => {
  if (ctx.d[off] !== 0xff || !isMagic(ctx.d, off, end)) return false;
  dissectMagic(ctx, off, end);
  return true;
});
