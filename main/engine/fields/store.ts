// The field registry's store: every field a dissector can produce is
// declared here by the module that produces it. Dissectors (and what they
// import) use this module; everyone else reads the registry through
// registry.ts, which loads every protocol first, so a lookup never depends
// on which module happened to be imported before it.
import type { FieldDef, FieldType } from '../types';

const defs = new Map<string, FieldDef>();

export function registerFields(list: FieldDef[]): void {
  for (const d of list) {
    const prev = defs.get(d.name);
    if (prev && prev.type !== d.type) {
      throw new Error(`field ${d.name} registered twice with different types (${prev.type}, ${d.type})`);
    }
    defs.set(d.name, prev ? { ...prev, ...d } : d);
  }
}

/** Shorthand for dissector modules: registerProtocol('udp', 'User Datagram Protocol', [['udp.srcport','uint','Source Port'], ...]) */
export function registerProtocol(
  proto: string,
  title: string,
  fields: Array<[name: string, type: FieldType, title: string, extra?: Partial<FieldDef>]>,
): void {
  registerFields([
    { name: proto, type: 'protocol', title },
    ...fields.map(([name, type, t, extra]) => ({ name, type, title: t, ...extra })),
  ]);
}

export function getField(name: string): FieldDef | undefined {
  return defs.get(name);
}

export function allFields(): FieldDef[] {
  return [...defs.values()];
}

/** Fields whose name starts with the prefix, shortest (most general) first. */
export function completeField(prefix: string, limit = 50): FieldDef[] {
  const out: FieldDef[] = [];
  for (const d of defs.values()) if (d.name.startsWith(prefix)) out.push(d);
  out.sort((a, b) => a.name.length - b.name.length || a.name.localeCompare(b.name));
  return out.slice(0, limit);
}
