// Wireshark's expert-info fields (`_ws.expert`, `.message`, `.severity`,
// `.group`) and `_ws.malformed`, made from the packet's expert items once
// it is dissected, so `-Y _ws.expert.severity == "Error"`, `-Y _ws.malformed`
// and `-e _ws.expert.message` work as in tshark. Hidden items: filters and
// field output see them; the tree shows the expert items themselves.
import type { ExpertInfo } from '../types';
import type { Ctx } from './context';
import { declare, treeLine } from './fields';

/** epan/proto.h's PI_* severity values */
const SEVERITY: Record<ExpertInfo['severity'], number> = { chat: 0x00200000, note: 0x00400000, warn: 0x00600000, error: 0x00800000 };
/** epan/proto.h's PI_* group values */
const GROUP: Record<ExpertInfo['group'], number> = {
  sequence: 0x02000000, reassemble: 0x06000000, malformed: 0x07000000, protocol: 0x09000000, security: 0x0a000000, comment: 0x0b000000,
};

const GROUP_NAMES: Record<number, string> = {
  0x01000000: 'Checksum', 0x02000000: 'Sequence', 0x03000000: 'Response', 0x04000000: 'Request', 0x05000000: 'Undecoded',
  0x06000000: 'Reassemble', 0x07000000: 'Malformed', 0x08000000: 'Debug', 0x09000000: 'Protocol', 0x0a000000: 'Security',
  0x0b000000: 'Comment', 0x0c000000: 'Decryption', 0x0d000000: 'Assumption', 0x0e000000: 'Deprecated',
};
const SEVERITY_NAMES: Record<number, string> = { 0x00100000: 'Comment', 0x00200000: 'Chat', 0x00400000: 'Note', 0x00600000: 'Warning', 0x00800000: 'Error' };

declare('_ws.expert', 'Expert Info', [
  ['_ws.expert.message', 'string', 'Message'],
  ['_ws.expert.group', 'uint', 'Group', { valueNames: GROUP_NAMES }],
  ['_ws.expert.severity', 'uint', 'Severity level', { valueNames: SEVERITY_NAMES }],
]);
// tshark's item text: "Expert Info (Note/Sequence): Duplicate ACK (#1)"
treeLine('_ws.expert', (v) => {
  const sev = v.field('_ws.expert.severity')?.value, group = v.field('_ws.expert.group')?.value;
  return `Expert Info (${SEVERITY_NAMES[sev as number] ?? '?'}/${GROUP_NAMES[group as number] ?? '?'}): ${v.field('_ws.expert.message')?.value ?? ''}`;
}, ['_ws.expert.message', '_ws.expert.severity', '_ws.expert.group']);
declare('_ws.malformed', 'Malformed Packet', []);

/** Adds the expert fields for the packet's expert items (none when it has none). */
export function addExpertFields(ctx: Ctx): void {
  const list = ctx.expert;
  let malformed = false;
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    const start = e.start ?? 0, len = e.len ?? 0;
    ctx.hidden('_ws.expert', null, start, len);
    ctx.hidden('_ws.expert.message', e.message, start, len);
    ctx.hidden('_ws.expert.severity', SEVERITY[e.severity], start, len);
    ctx.hidden('_ws.expert.group', GROUP[e.group], start, len);
    if (e.group === 'malformed') malformed = true;
  }
  if (malformed) ctx.hidden('_ws.malformed', null, 0, 0);
}

/** Whether a read that names these fields needs whole dissections (expert items are made there). */
export const namesExpertFields = (names: readonly string[]): boolean =>
  names.some((n) => n === '_ws.expert' || n.startsWith('_ws.expert.') || n === '_ws.malformed' || n.startsWith('_ws.malformed.'));
