// Field declarations for the dissectors: a thin layer over the shared
// registry that also remembers how many hex digits tshark prints for a
// hex-based integer (tcp.flags → 0x0012 is a 12-bit field shown as 4 digits).
import { registerProtocol } from '../fields/registry';
import type { FieldDef, FieldType } from '../types';

export type FieldSpec = [name: string, type: FieldType, title: string, extra?: Partial<FieldDef> & { hexDigits?: number }];

const hexDigits = new Map<string, number>();

export function declare(proto: string, title: string, fields: FieldSpec[]): void {
  registerProtocol(
    proto,
    title,
    fields.map(([name, type, t, extra]) => {
      if (!extra) return [name, type, t];
      const { hexDigits: digits, ...rest } = extra;
      if (digits !== undefined) hexDigits.set(name, digits);
      return [name, type, t, rest];
    }),
  );
}

/** Digits tshark pads a hex field to (0 when the field is not hex). */
export function hexWidth(name: string): number {
  return hexDigits.get(name) ?? 0;
}

/** Shorthands for hex-displayed integers of 1, 2 and 4 bytes. */
export const HEX8 = { base: 'hex' as const, hexDigits: 2 };
export const HEX16 = { base: 'hex' as const, hexDigits: 4 };
export const HEX32 = { base: 'hex' as const, hexDigits: 8 };
