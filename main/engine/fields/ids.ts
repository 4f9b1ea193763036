// Dense numbers for field names, so the consumers of a dissection that walk
// its ~90 fields (the colouring's gather and the row summary, the filter
// index, the insights digest) find what each field means to them with an
// array read instead of each hashing the name in a Map of its own: the walk
// names each field once (FieldIds.of), every consumer reads the same ids.
// Profiled on the open path, the per-consumer Map lookups were most of the
// ~20 µs/packet the open spent beyond the dissection.
import type { Field } from '../types';

/**
 * Distinct names numbered; past this a name gets NO_ID and consumers look it
 * up by name (dissectors name fields from the registry, a bounded set: the cap
 * only keeps a dissector bug from growing this table without end).
 */
const MAX_IDS = 1 << 16;
export const NO_ID = -1;

const ids = new Map<string, number>();
const names: string[] = [];

/** The name's id (the same in every module of this thread), NO_ID past the cap. */
export function fieldId(name: string): number {
  let id = ids.get(name);
  if (id === undefined) {
    if (names.length >= MAX_IDS) return NO_ID;
    id = names.length;
    ids.set(name, id);
    names.push(name);
  }
  return id;
}

/**
 * Records a consumer's decision for a field name under the name's id, in
 * the consumer's table read by FieldIds' walk (nothing past the id cap: the
 * consumer then looks the name up itself).
 */
export function setById<T>(table: Array<T | undefined>, name: string, value: T): void {
  const id = fieldId(name);
  if (id === NO_ID) return;
  while (table.length <= id) table.push(undefined);
  table[id] = value;
}

/** How many ids are given out (an upper bound for tables indexed by id). */
export function fieldIdCount(): number { return names.length; }

/**
 * The ids of one packet's fields, in d.fields order. Reused packet after
 * packet: the names at a position mostly repeat the previous packet's (the
 * same protocol stack), and the same string object compares in one step, so
 * most fields cost no lookup at all.
 */
export class FieldIds {
  ids = new Int32Array(128);
  private prev: string[] = [];

  of(fields: readonly Field[]): Int32Array {
    const n = fields.length;
    if (this.ids.length < n) { const g = new Int32Array(n * 2); g.set(this.ids); this.ids = g; }
    const out = this.ids, prev = this.prev;
    for (let i = 0; i < n; i++) {
      const name = fields[i]!.name;
      if (prev[i] === name) continue;
      out[i] = fieldId(name);
      prev[i] = name;
    }
    return out;
  }
}
