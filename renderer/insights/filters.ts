// Display filters for statistics rows (Wireshark's "Apply as Filter" on a
// conversation or endpoint). Pure functions, shared by the views and tests.
import type { ConvType, ConversationRow, EndpointType } from '../../main/api/insights';

const fam = (a: string) => (a.includes(':') ? 'ipv6' : 'ip');

export function conversationFilter(type: ConvType, c: ConversationRow): string {
  if (type === 'eth') return `eth.addr == ${c.a} && eth.addr == ${c.b}`;
  if (type === 'ipv4' || type === 'ipv6') return `${fam(c.a)}.addr == ${c.a} && ${fam(c.b)}.addr == ${c.b}`;
  return `${fam(c.a)}.addr == ${c.a} && ${type}.port == ${c.portA} && ${fam(c.b)}.addr == ${c.b} && ${type}.port == ${c.portB}`;
}

export function endpointFilter(type: EndpointType, address: string): string {
  return type === 'eth' ? `eth.addr == ${address}` : `${fam(address)}.addr == ${address}`;
}
