// Field declarations for the dissectors: a thin layer over the shared
// registry that also remembers how many hex digits tshark prints for a
// hex-based integer (tcp.flags → 0x0012 is a 12-bit field shown as 4 digits).
import { registerProtocol } from '../fields/store';
import type { Dissection, Field, FieldDef, FieldType } from '../types';

export type FieldSpec = [name: string, type: FieldType, title: string, extra?: Partial<FieldDef> & { hexDigits?: number; single?: boolean }];

const hexDigits = new Map<string, number>();
/** float fields that are tshark FT_FLOAT (a single, printed %g) rather than FT_DOUBLE */
const singles = new Set<string>();

export function declare(proto: string, title: string, fields: FieldSpec[]): void {
  registerProtocol(
    proto,
    title,
    fields.map(([name, type, t, extra]) => {
      if (!extra) return [name, type, t];
      const { hexDigits: digits, single, ...rest } = extra;
      if (digits !== undefined) hexDigits.set(name, digits);
      if (single) singles.add(name);
      return [name, type, t, rest];
    }),
  );
}

/** Digits tshark pads a hex field to (0 when the field is not hex). */
export function hexWidth(name: string): number {
  return hexDigits.get(name) ?? 0;
}

/** Is this float field an FT_FLOAT (tshark prints it %g: 6 significant digits)? */
export function isSingle(name: string): boolean {
  return singles.has(name);
}

/** A float field that is tshark's FT_FLOAT (an IEEE single), not its FT_DOUBLE. */
export const FLOAT32 = { single: true };

/** Shorthands for hex-displayed integers of 1, 2 and 4 bytes. */
export const HEX8 = { base: 'hex' as const, hexDigits: 2 };
export const HEX16 = { base: 'hex' as const, hexDigits: 4 };
export const HEX32 = { base: 'hex' as const, hexDigits: 8 };

/**
 * What a protocol's tree line is built from: the layer's fields (found at any
 * depth), and the whole dissection when there is one (the frame line reads
 * the packet, an HTTP body's reads its message's headers).
 */
export interface LayerView {
  readonly title: string;
  readonly layer: Field;
  readonly dissection: Dissection | undefined;
  /** the first field of that name in the layer */
  field(name: string): Field | undefined;
  /** its value as tshark prints it; undefined when absent */
  value(name: string): string | undefined;
  /** its value as tshark prints it; '?' when absent */
  text(name: string): string;
  has(name: string): boolean;
}

export interface TreeLine {
  /** Wireshark's one-line header for the layer ("Internet Protocol Version 4, Src: …, Dst: …") */
  line: (v: LayerView) => string;
  /** the fields the line reads, decoded in field-subset mode when the layer itself is asked for (-e ip) */
  inputs: string[];
}

const lines = new Map<string, TreeLine>();

/** Declares a protocol's tree line (without one, the line is its title). */
export function treeLine(proto: string, line: TreeLine['line'], inputs: string[] = []): void {
  if (lines.has(proto)) throw new Error(`tree line of ${proto} declared twice`);
  lines.set(proto, { line, inputs });
}

export function treeLineOf(proto: string): TreeLine | undefined {
  return lines.get(proto);
}
