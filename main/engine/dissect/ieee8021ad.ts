// IEEE 802.1ad (QinQ): the provider's service tag, ethertype 0x88a8, in
// front of the customer's 802.1Q tag. tshark 4.0 (packet-ieee8021ah.c)
// decodes it as its own protocol, not as a second "vlan", so filters on
// ieee8021ad.id see the S-tag and vlan.id only the C-tag.
import type { Ctx } from './context';
import type { State } from './state';
import { declare, HEX16, treeLine } from './fields';
import { ethertype, trailer } from './link';
import { fieldKey } from './context';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { ETHERTYPE } = tables;
const { u16 } = readers;

declare('ieee8021ad', 'IEEE 802.1ad', [
  ['ieee8021ad.priority', 'uint', 'Priority'],
  ['ieee8021ad.dei', 'uint', 'DEI'],
  ['ieee8021ad.id', 'uint', 'ID'],
  ['ieee8021ad.svid', 'uint', 'ID', { description: 'the S-tag\'s VLAN id, where two 802.1ad tags follow each other' }],
  ['ieee8021ad.cvid', 'uint', 'ID', { description: 'the second of two 802.1ad tags\' VLAN id' }],
  // tshark names the type field after 802.1ah, whose code decodes both tags
  ['ieee8021ah.etype', 'uint', 'Type', HEX16],
  ['ieee8021ah.trailer', 'bytes', 'Trailer'],
]);

const TAG = 4;
const K_TRAILER = fieldKey('ieee8021ah.trailer');

/**
 * packet-ieee8021ah.c dissect_ieee8021ad: the columns are set from the
 * first two bytes before the rest is read (a tag cut after them is still
 * named in Info); a second 0x88a8 tag right behind the first is one
 * layer with an S-VID and a C-VID, not a nested one.
 */
function dissectIeee8021ad(ctx: Ctx, st: State, off: number, end: number): number {
  const d = ctx.d;
  const l = ctx.layer('ieee8021ad', off, Math.min(TAG, end - off));
  ctx.protocol = '802.1ad';
  const tci = end - off >= 2 ? u16(d, off) : -1;
  ctx.info = tci < 0 ? '' : `PRI: ${tci >> 13}  DROP: ${(tci >> 12) & 1} ID: ${tci & 0xfff}`;
  if (end - off < TAG) {
    ctx.boundsAt('ieee8021ad', `802.1ad tag cut short (${end - off} of ${TAG} bytes)`, off, end - off);
    return end;
  }
  ctx.add(l, 'ieee8021ad.priority', tci >> 13, off, 1);
  ctx.add(l, 'ieee8021ad.dei', (tci >> 12) & 1, off, 1);
  let type = u16(d, off + 2);
  if (type !== 0x88a8) {
    ctx.add(l, 'ieee8021ad.id', tci & 0xfff, off, 2);
    ctx.add(l, 'ieee8021ah.etype', type, off + 2, 2);
    // the tag's own layer shows what follows its payload, by Ethernet's rule (no FCS behind a tag)
    trailer(ctx, l, ethertype(ctx, st, type, off + TAG, end), end, K_TRAILER, false);
    return end;
  }
  ctx.add(l, 'ieee8021ad.svid', tci & 0xfff, off, 2);
  if (end - off < 2 * TAG) {
    ctx.boundsAt('ieee8021ad', `second 802.1ad tag cut short (${end - off - TAG} of ${TAG} bytes)`, off + TAG, end - off - TAG);
    return end;
  }
  l.len = 2 * TAG;
  const ctag = u16(d, off + TAG);
  ctx.add(l, 'ieee8021ad.priority', ctag >> 13, off + TAG, 1);
  ctx.add(l, 'ieee8021ad.dei', (ctag >> 12) & 1, off + TAG, 1);
  ctx.add(l, 'ieee8021ad.cvid', ctag & 0xfff, off + TAG, 2);
  type = u16(d, off + TAG + 2);
  ctx.add(l, 'ieee8021ah.etype', type, off + TAG + 2, 2);
  trailer(ctx, l, ethertype(ctx, st, type, off + 2 * TAG, end), end, K_TRAILER, false);
  return end;
}

ETHERTYPE.add(0x88a8, dissectIeee8021ad);
treeLine('ieee8021ad', (v) => v.has('ieee8021ad.cvid') ? `${v.title}, S-VID: ${v.text('ieee8021ad.svid')}, C-VID: ${v.text('ieee8021ad.cvid')}`
  : v.has('ieee8021ad.id') ? `${v.title}, ID: ${v.text('ieee8021ad.id')}` : v.title, ['ieee8021ad.id', 'ieee8021ad.svid', 'ieee8021ad.cvid']);
