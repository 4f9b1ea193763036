// Row colours come from the engine's colouring table (Wireshark's
// colorfilters, main/engine/colour/colouring.ts): the renderer has none of
// its own, so a rule the user edits shows as they set it.
import type { ColouringRuleInfo } from '../../main/api/types';

export type RowStyle = { background: string; color: string };

/**
 * One style object per rule number (0: no rule), built when the table
 * arrives: getRowStyle runs on every row render and hands back a shared
 * object. A disabled rule colours nothing.
 */
export function rowStyles(rules: readonly ColouringRuleInfo[]): Array<RowStyle | undefined> {
  return [undefined, ...rules.map((r) => (r.enabled ? { background: r.background, color: r.foreground } : undefined))];
}
