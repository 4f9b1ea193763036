// Detail-tree labels ("Source Address: 198.18.0.1"), derived from the
// registry on demand so that bulk dissection never builds them.
import type { Dissection, Field } from '../types';
import { getField } from '../fields/registry';
import { displayValue } from './format';

export function labelOf(f: Field): string {
  if (f.label) return f.label;
  const def = getField(f.name);
  const title = def?.title ?? f.name;
  if (def?.type === 'protocol' || (f.value === null && f.children)) return title;
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
