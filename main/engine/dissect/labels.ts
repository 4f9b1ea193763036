// Detail-tree labels ("Source Address: 198.18.0.1"), derived from the
// registry on demand so that bulk dissection never builds them. Protocol
// layers get Wireshark's one-line headers ("Internet Protocol Version 4,
// Src: 198.18.0.1, Dst: 198.18.0.2").
import type { Dissection, Field } from '../types';
import { getField } from '../fields/registry';
import { displayValue, formatValue } from './format';

function child(f: Field, name: string): string | undefined {
  const c = f.children?.find((k) => k.name === name);
  return c ? formatValue(c) : undefined;
}

function layerLabel(f: Field, title: string): string {
  const g = (n: string): string => child(f, n) ?? '?';
  const has = (n: string): boolean => child(f, n) !== undefined;
  switch (f.name) {
    case 'frame': {
      const len = Number(child(f, 'frame.len') ?? 0), cap = Number(child(f, 'frame.cap_len') ?? 0);
      const iface = has('frame.interface_id') ? ` on interface ${g('frame.interface_id')}` : '';
      return `Frame ${g('frame.number')}: ${len} bytes on wire (${len * 8} bits), ${cap} bytes captured (${cap * 8} bits)${iface}`;
    }
    case 'eth': return has('eth.src') ? `${title}, Src: ${g('eth.src')}, Dst: ${g('eth.dst')}` : title;
    case 'ip': return has('ip.src') ? `${title}, Src: ${g('ip.src')}, Dst: ${g('ip.dst')}` : title;
    case 'ipv6': return has('ipv6.src') ? `${title}, Src: ${g('ipv6.src')}, Dst: ${g('ipv6.dst')}` : title;
    case 'vlan': return has('vlan.id') ? `${title}, PRI: ${g('vlan.priority')}, DEI: ${g('vlan.dei')}, ID: ${g('vlan.id')}` : title;
    case 'tcp': {
      if (!has('tcp.srcport')) return title;
      let s = `${title}, Src Port: ${g('tcp.srcport')}, Dst Port: ${g('tcp.dstport')}`;
      if (has('tcp.seq')) s += `, Seq: ${g('tcp.seq')}`;
      if (child(f, 'tcp.flags.ack') === '1') s += `, Ack: ${g('tcp.ack')}`;
      if (has('tcp.len')) s += `, Len: ${g('tcp.len')}`;
      return s;
    }
    case 'udp': return has('udp.srcport') ? `${title}, Src Port: ${g('udp.srcport')}, Dst Port: ${g('udp.dstport')}` : title;
    case 'arp': {
      const op = child(f, 'arp.opcode');
      return op === '1' ? `${title} (request)` : op === '2' ? `${title} (reply)` : title;
    }
    case 'dns': return child(f, 'dns.flags.response') === '1' ? `${title} (response)` : has('dns.id') ? `${title} (query)` : title;
    default: return title;
  }
}

export function labelOf(f: Field): string {
  if (f.label) return f.label;
  const def = getField(f.name);
  const title = def?.title ?? f.name;
  if (def?.type === 'protocol') return layerLabel(f, title);
  if (f.value === null) return title;
  return `${title}: ${displayValue(f)}`;
}

/** Fills `label` on every field of the tree (for the UI's detail pane). */
export function withLabels(d: Dissection): Dissection {
  const walk = (list: Field[]): void => {
    for (const f of list) {
      f.label ??= labelOf(f);
      if (f.children) walk(f.children);
    }
  };
  walk(d.tree);
  return d;
}
