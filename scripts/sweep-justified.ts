// Differences from tshark 4.0 that we keep on purpose, read by the field
// sweep (sweep-fields.ts): each names the field (or a pattern), optionally
// the captures and the shape of the difference it covers, and why.
// Anything not covered here is a bug to fix in the dissector.

export interface Justification {
  field: string | RegExp;
  reason: string;
  /** only on these captures (file names) */
  captures?: string[];
  /** only differences of this shape */
  when?: (tshark: string, ours: string) => boolean;
}

export const JUSTIFIED: Justification[] = [
];
