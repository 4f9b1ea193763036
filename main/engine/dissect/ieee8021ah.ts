// IEEE 802.1ah Provider Backbone Bridging (mac-in-mac, ethertype 0x88e7):
// the I-TAG (priority, drop, NCA, reserved bits, the 24-bit I-SID), the
// customer's destination and source MACs, then the customer frame's type,
// dispatched as an ethertype whatever its value (tshark 4.0's
// packet-ieee8021ah.c reads no 802.3 length there). Bytes the inner
// protocol leaves are the 802.1ah trailer.
import type { Ctx } from './context';
import type { State } from './state';
import { declare, treeLine } from './fields';
import { ethertype } from './link';
import { etherToString } from './addr';
import { macLabel } from '../enrich/manuf';
import * as readers from './bytes';
import * as tables from './tables';
import type { Field } from '../types';
const { ETHERTYPE } = tables;
const { u16, u32 } = readers;

// ieee8021ah.etype is declared with 802.1ad, whose code (packet-ieee8021ah.c) shares it
declare('ieee8021ah', 'IEEE 802.1ah', [
  ['ieee8021ah.priority', 'uint', 'Priority'],
  ['ieee8021ah.drop', 'uint', 'DROP'],
  ['ieee8021ah.nca', 'uint', 'NCA'],
  ['ieee8021ah.res1', 'uint', 'RES1'],
  ['ieee8021ah.res2', 'uint', 'RES2'],
  ['ieee8021ah.isid', 'uint', 'I-SID'],
  ['ieee8021ah.cdst', 'ether', 'C-Destination'],
  ['ieee8021ah.csrc', 'ether', 'C-Source'],
  ['ieee8021ah.trailer', 'bytes', 'Trailer'],
]);

const TAG = 4, HEADER = 4 + 6 + 6 + 2;

function dissectIeee8021ah(ctx: Ctx, st: State, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('ieee8021ah', off, Math.min(HEADER, end - off));
  ctx.protocol = '802.1ah';
  ctx.info = '';
  if (end - off < TAG) {
    l.value = '';
    ctx.boundsAt('ieee8021ah', `802.1ah I-TAG cut short (${end - off} of ${TAG} bytes)`, off, end - off);
    return end;
  }
  const tci = u32(d, off);
  const [pri, drop, nca, res1, res2, isid] = [tci >>> 29, (tci >>> 28) & 1, (tci >>> 27) & 1, (tci >>> 26) & 1, (tci >>> 24) & 3, tci & 0xffffff];
  ctx.info = `PRI: ${pri}  Drop: ${drop}  NCA: ${nca}  Res1: ${res1}  Res2: ${res2}  I-SID: ${isid}`;
  // the I-TAG is a second item of the protocol (tshark prints both for -e ieee8021ah)
  ctx.add(l, 'ieee8021ah', `I-Tag, I-SID: ${isid}`, off, TAG);
  ctx.add(l, 'ieee8021ah.priority', pri, off, 4);
  ctx.add(l, 'ieee8021ah.drop', drop, off, 4);
  ctx.add(l, 'ieee8021ah.nca', nca, off, 4);
  ctx.add(l, 'ieee8021ah.res1', res1, off, 4);
  ctx.add(l, 'ieee8021ah.res2', res2, off, 4);
  ctx.add(l, 'ieee8021ah.isid', isid, off, 4);
  const cut = (o: number, what: string): number => {
    ctx.boundsAt('ieee8021ah', `802.1ah ${what} cut short`, o, Math.max(0, end - o));
    return end;
  };
  if (end - off < TAG + 6) return cut(off + TAG, 'C-Destination');
  ctx.add(l, 'ieee8021ah.cdst', d.subarray(off + 4, off + 10), off + 4, 6);
  if (end - off < TAG + 12) return cut(off + 10, 'C-Source');
  ctx.add(l, 'ieee8021ah.csrc', d.subarray(off + 10, off + 16), off + 10, 6);
  if (end - off < HEADER) return cut(off + 16, 'type');
  const type = u16(d, off + 16);
  ctx.add(l, 'ieee8021ah.etype', type, off + 16, 2);
  const used = ethertype(ctx, st, type, off + HEADER, end);
  if (used < end) ctx.add(l, 'ieee8021ah.trailer', d.subarray(used, end), used, end - used);
  return end;
}

ETHERTYPE.add(0x88e7, dissectIeee8021ah);

const mac = (f: Field | undefined): string => f?.value instanceof Uint8Array ? macLabel(f.value, etherToString(f.value)) : '?';
treeLine('ieee8021ah', (v) => v.has('ieee8021ah.csrc')
  ? `${v.title}, I-SID: ${v.text('ieee8021ah.isid')}, C-Src: ${mac(v.field('ieee8021ah.csrc'))}, C-Dst: ${mac(v.field('ieee8021ah.cdst'))}`
  : v.title, ['ieee8021ah.isid', 'ieee8021ah.csrc', 'ieee8021ah.cdst']);
