// tshark-like `-T json`: per packet {_index, _type, _score, _source: {layers}},
// each layer an object of field → value text (an array when repeated), a
// field's children under "<name>_tree".
import type { Dissection, Field } from '../types';
import { jsonValue } from '../dissect/format';
import { epochText } from '../file/time';

type Obj = Record<string, unknown>;

function put(o: Obj, k: string, v: unknown): void {
  const prev = o[k];
  if (prev === undefined) o[k] = v;
  else if (Array.isArray(prev) && (prev as unknown[] & { multi?: true }).multi) (prev as unknown[]).push(v);
  else { const a = [prev, v] as unknown[] & { multi?: true }; a.multi = true; o[k] = a; }
}

function children(d: Dissection, list: Field[]): Obj {
  const o: Obj = {};
  for (const f of list) {
    const text = f.name === 'frame.time_epoch' ? epochText(d.packet) : jsonValue(f);
    if (f.children && f.children.length) {
      if (f.value !== null) put(o, f.name, text);
      put(o, f.value === null ? f.name : `${f.name}_tree`, children(d, f.children));
    } else put(o, f.name, text);
  }
  return o;
}

export function packetJson(d: Dissection, indexName: string): string {
  const layers: Obj = {};
  for (const l of d.tree) put(layers, l.name, children(d, l.children ?? []));
  const doc = { _index: indexName, _type: 'doc', _score: null, _source: { layers } };
  return JSON.stringify(doc, null, 2).replace(/^/gm, '  ');
}
