// The displayed packet list: rows, display filter, sort
// (main/engine/service/handlers/view.ts answers these).
import { z } from 'zod';
import { bytes, call, nat, ok, typed } from './common';
import { COLUMNS, COLUMN_IDS, type ColumnArrays, type ColumnDef } from './columns';

const u32 = typed<Uint32Array>(Uint32Array);
const f64 = typed<Float64Array>(Float64Array);
const arraySchema = (c: ColumnDef) => (c.type === 'string' || c.id === 'number' || c.id === 'length' ? u32 : f64);
/** The row block's array for each column of columns.ts (here, not there: the engine's decoding threads load columns.ts, and no zod). */
const columnArrays = Object.fromEntries(COLUMNS.map((c) => [c.id, arraySchema(c)])) as unknown as {
  [K in keyof ColumnArrays]: z.ZodType<ColumnArrays[K]>
};

const filterText = z.string().max(10_000);

/**
 * A window of the displayed packet list, column-wise. String columns hold
 * indices into `strings` (0 is always ''), so repeated addresses/protocols
 * cost one entry.
 */
export const rowBlock = z.object({
  /** index of the first row within the displayed list */
  start: nat,
  /** rows in the displayed list right now (may have grown since) */
  total: nat,
  /** Status.generation the rows belong to */
  generation: nat,
  strings: z.array(z.string()),
  // one array per column of main/api/columns.ts: string columns index `strings`;
  // time is seconds since the first packet; an absent number is NaN
  ...columnArrays,
  /** the packet's colouring rule: 0 none, n the rule at n - 1 of getColouring's table */
  colour: bytes,
});
export type RowBlock = z.infer<typeof rowBlock>;

/** a filter that compiles but needs a word: a field we do not decode, a deprecated name */
const filterWarning = z.object({ message: z.string(), start: z.number(), end: z.number() });

export const filterCheck = z.union([
  z.object({ ok: z.literal(true), empty: z.boolean(), warnings: z.array(filterWarning).optional() }),
  z.object({ ok: z.literal(false), error: z.object({ message: z.string(), start: z.number(), end: z.number() }) }),
]);
export type FilterCheck = z.infer<typeof filterCheck>;

export const completion = z.object({
  /** replace text[from, to) with the chosen item */
  from: nat,
  to: nat,
  /** type: a field's value type (uint, string, ipv4 ...), for the Filter Expression dialog */
  items: z.array(z.object({ label: z.string(), detail: z.string().optional(), type: z.string().optional() })),
});
export type Completion = z.infer<typeof completion>;

export const viewApi = {
  getRows: call(z.object({ start: nat, count: z.number().int().min(0).max(10_000) }).strict(), rowBlock),
  /** superseded: a newer filter or a cancel stopped this one before it applied (the list is unchanged) */
  /** selected: the frame field references (${ip.src}) read, as Wireshark's selected packet */
  setFilter: call(z.object({ text: filterText, selected: nat.optional() }).strict(), filterCheck.and(z.object({ displayed: nat.optional(), superseded: z.boolean().optional() }))),
  checkFilter: call(z.object({ text: filterText, selected: nat.optional() }).strict(), filterCheck),
  completeFilter: call(z.object({ text: filterText, cursor: nat }).strict(), completion),
  setSort: call(z.object({ column: z.enum(COLUMN_IDS).nullable(), desc: z.boolean() }).strict(), ok),
  /** where a frame sits in the displayed list (-1 when filtered out) */
  findRow: call(z.object({ number: nat }).strict(), z.object({ index: z.number().int() })),
};
