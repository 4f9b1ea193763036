// Detail-tree labels ("Source Address: 198.18.0.1"), derived from the
// registry on demand so that bulk dissection never builds them. Protocol
// layers get Wireshark's one-line headers ("Internet Protocol Version 4,
// Src: 198.18.0.1, Dst: 198.18.0.2"), declared by each protocol module
// (treeLine in fields.ts); they are also what tshark 4.0's `-T fields -e ip`
// prints (protocolText).
import type { Dissection, Field } from '../types';
import { getField } from '../fields/store';
import { displayValue, formatValue } from './format';
import { bytesToHex } from './addr';
import { treeLineOf } from './fields';

/** A protocol layer (not a protocol item inside one, as tcp.options.nop): those have no dot in their name. */
const isLayer = (f: Field): boolean => f.value === null && !f.name.includes('.') && getField(f.name)?.type === 'protocol';

/**
 * A layer's fields: its children in a whole dissection; in a field-subset
 * one (layers have no children there) the fields after it in the flat list
 * up to the next layer.
 */
function fieldsOf(f: Field, d: Dissection | undefined): Field[] {
  if (f.children !== undefined || d === undefined) return f.children ?? [];
  const list = d.fields;
  const out: Field[] = [];
  for (let i = list.indexOf(f) + 1; i > 0 && i < list.length && !isLayer(list[i]); i++) out.push(list[i]);
  return out;
}

/** The first field of that name among a layer's fields, at any depth (tcp.flags.ack sits under tcp.flags). */
function find(list: Field[], name: string): Field | undefined {
  for (const k of list) if (k.name === name) return k;
  for (const k of list) {
    if (k.children === undefined || isLayer(k) || !name.startsWith(k.name + '.')) continue;
    const c = find(k.children, name);
    if (c !== undefined) return c;
  }
  return undefined;
}

/** A layer's one-line header: its protocol's declared tree line, else its title. */
function layerLabel(f: Field, title: string, d?: Dissection): string {
  const tl = treeLineOf(f.name);
  if (tl === undefined) return title;
  const kids = fieldsOf(f, d);
  const value = (n: string): string | undefined => {
    const c = find(kids, n);
    return c ? formatValue(c) : undefined;
  };
  return tl.line({
    title, layer: f, dissection: d, value,
    field: (n) => find(kids, n),
    text: (n) => value(n) ?? '?',
    has: (n) => find(kids, n) !== undefined,
  });
}

/**
 * What a field-subset Dissector must decode besides the wanted names so that
 * their protocol items print as tshark's (-e tcp needs tcp.srcport …): none
 * when no protocol item is asked for, which keeps the fast path as it was.
 */
export function protocolItemInputs(wanted: Iterable<string>): string[] {
  const extra: string[] = [];
  for (const n of wanted) {
    const inputs = treeLineOf(n)?.inputs;
    if (inputs !== undefined) extra.push(...inputs);
  }
  return extra;
}

/**
 * A protocol item as tshark 4.0 prints it in -T fields (epan/print.c): the
 * item's tree line when its dissector wrote one (a header line with details,
 * as layerLabel gives), else the protocol's filter name; "data" as its bytes
 * in hex; items that carry bytes (TCP options) as those bytes.
 */
export function protocolText(f: Field, d: Dissection): string {
  if (f.value !== null) return formatValue(f);
  if (f.name === 'data') {
    const c = find(fieldsOf(f, d), 'data.data');
    return c !== undefined && c.value instanceof Uint8Array ? bytesToHex(c.value) : '';
  }
  const title = getField(f.name)?.title ?? f.name;
  const label = layerLabel(f, title, d);
  return label === title && f.name !== 'frame' ? f.name : label;
}

/** A field's detail-tree line; give the dissection for layers whose line reads the packet or other layers (frame, sll, HTTP bodies). */
export function labelOf(f: Field, d?: Dissection): string {
  if (f.label) return f.label;
  const def = getField(f.name);
  const title = def?.title ?? f.name;
  if (def?.type === 'protocol') return layerLabel(f, title, d);
  if (f.value === null) return title;
  return `${title}: ${displayValue(f)}`;
}

/** Fills `label` on every field of the tree (for the UI's detail pane). */
export function withLabels(d: Dissection): Dissection {
  const walk = (list: Field[]): void => {
    for (const f of list) {
      f.label ??= labelOf(f, d);
      if (f.children) walk(f.children);
    }
  };
  walk(d.tree);
  return d;
}
