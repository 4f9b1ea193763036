// The packet list's columns: one definition, read by the engine (what it
// stores per packet and sorts by), by the API (the row block's shape) and by
// the renderer (the grid's columns, their formatting, the filter a right
// click prepares). Adding a column that shows a field is one entry here.

/** How the grid shows a value (renderer/lib/format.ts has one formatter per name). */
export type ColumnFormat = 'time' | 'country' | 'direction';

export interface ColumnDef {
  readonly id: string;
  readonly title: string;
  /** strings are interned (the row block carries indices into its `strings`); numbers are NaN when absent */
  readonly type: 'string' | 'number';
  /**
   * The Wireshark fields whose first present value (in this order) fills the
   * column; its filter is `f == value` for each, or'ed. Without: a column the
   * engine computes itself (number, time, addresses, protocol, info, length).
   */
  readonly fields?: readonly string[];
  readonly format?: ColumnFormat;
  readonly width?: number;
  readonly flex?: number;
  readonly minWidth?: number;
  /** right-aligned */
  readonly numeric?: boolean;
  /** hidden until the user shows it (Columns ▾) */
  readonly hidden?: boolean;
}

/** In the grid's default order. */
export const COLUMNS = [
  { id: 'number', title: 'No.', type: 'number', width: 80, numeric: true },
  { id: 'time', title: 'Time', type: 'number', format: 'time', width: 110 },
  // an arrow: the frame's direction from its pcapng flags (empty when the record has none)
  { id: 'direction', title: 'Dir', type: 'number', fields: ['frame.packet_flags_direction'], format: 'direction', width: 70 },
  { id: 'source', title: 'Source', type: 'string', width: 150 },
  { id: 'destination', title: 'Destination', type: 'string', width: 150 },
  { id: 'protocol', title: 'Protocol', type: 'string', width: 90 },
  { id: 'length', title: 'Length', type: 'number', width: 80, numeric: true },
  { id: 'info', title: 'Info', type: 'string', flex: 1, minWidth: 260 },
  { id: 'srcCountry', title: 'Src CC', type: 'string', fields: ['ip.geoip.src_country_iso'], format: 'country', width: 85 },
  { id: 'dstCountry', title: 'Dst CC', type: 'string', fields: ['ip.geoip.dst_country_iso'], format: 'country', width: 85 },
  { id: 'hostSni', title: 'Host/SNI', type: 'string', fields: ['http.host', 'http2.headers.authority', 'http3.headers.authority', 'tls.handshake.extensions_server_name'], width: 150 },
  { id: 'userAgent', title: 'User-Agent', type: 'string', fields: ['http.user_agent', 'http2.headers.user_agent', 'http3.headers.user_agent'], width: 170 },
  { id: 'contentLength', title: 'Content-Length', type: 'number', fields: ['http.content_length', 'http2.headers.content_length', 'http3.headers.content_length'], width: 120, numeric: true },
  // the local process behind the packet (live capture with attribution, or a file that kept it)
  { id: 'process', title: 'Process', type: 'string', fields: ['proc.name'], width: 110, hidden: true },
  { id: 'pid', title: 'PID', type: 'number', fields: ['proc.pid'], width: 80, numeric: true, hidden: true },
  { id: 'user', title: 'User', type: 'string', fields: ['user.name'], width: 90, hidden: true },
  { id: 'container', title: 'Container', type: 'string', fields: ['container.id'], width: 120, hidden: true },
] as const satisfies readonly ColumnDef[];

type Col = (typeof COLUMNS)[number];
export type ColumnId = Col['id'];
export const COLUMN_IDS = COLUMNS.map((c) => c.id) as [ColumnId, ...ColumnId[]];

/** Columns filled from fields, in definition order (the engine stores one array each). */
export type FieldColumn = Extract<Col, { fields: readonly string[] }>;
export const FIELD_COLUMNS: readonly FieldColumn[] = COLUMNS.filter((c): c is FieldColumn => 'fields' in c);

/** The row block's array for each column: string indices, or numbers (u32 for counts, f64 for the rest). */
type ArrayOf<C extends Col> = C['type'] extends 'string' ? Uint32Array
  : C['id'] extends 'number' | 'length' ? Uint32Array : Float64Array;
export type ColumnArrays = { [C in Col as C['id']]: ArrayOf<C> };
// (their zod schemas are in view.ts: the engine's decoding threads load this module, and no zod)
