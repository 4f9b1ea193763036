// The fact "an ICS write or control operation": a request that changes a
// field device's state (writes a coil or register, operates a point,
// stops or restarts a controller, downloads a program), from whichever
// industrial protocol carries it. One table, in Wireshark's field names, so
// a dissector that lands later (DNP3, S7comm, IEC 104, CIP, BACnet) feeds the
// detectors the day it adds those fields; nothing else needs to change.
//
// To feed it from a new protocol: add a row with the layer the dissector
// opens, the function-code field and its write/control values, what marks a
// request (a field value, or the server port), and (when the protocol says
// so) what marks a response and its error, so accepted writes can be told
// from refused ones.
import type { Dissection, FieldValue } from '../types';
import type { PacketFacts } from './facts';

export interface IcsOperationRule {
  /** shown in alerts, e.g. 'Modbus' */
  protocol: string;
  /** the layer the dissector opens (only frames with it are read) */
  layer: string;
  /** the function/service code field and its write/control values with their names */
  field: string;
  ops: ReadonlyMap<number, { name: string; control: boolean }>;
  /** a request: this field has this value, or (port) the frame goes to the server port */
  request: { field: string; value: number } | { port: number };
  /** a response: this field has this value, or the frame comes from the server port */
  response?: { field: string; value: number } | { port: number };
  /** a field present only in error responses (the device refused) */
  errorField?: string;
}

const ops = (entries: Array<[number, string, boolean?]>) => new Map(entries.map(([v, name, control]) => [v, { name, control: control === true }]));

export const ICS_OPERATIONS: readonly IcsOperationRule[] = [
  {
    protocol: 'Modbus', layer: 'modbus', field: 'modbus.func_code',
    ops: ops([[5, 'Write Single Coil'], [6, 'Write Single Register'], [15, 'Write Multiple Coils'], [16, 'Write Multiple Registers'],
      [22, 'Mask Write Register'], [23, 'Read Write Multiple Registers']]),
    request: { port: 502 }, response: { port: 502 }, errorField: 'modbus.exception_code',
  },
  {
    protocol: 'DNP3', layer: 'dnp3', field: 'dnp3.al.func',
    ops: ops([[2, 'WRITE'], [3, 'SELECT', true], [4, 'OPERATE', true], [5, 'DIRECT_OPERATE', true], [6, 'DIRECT_OPERATE_NR', true],
      [13, 'COLD_RESTART', true], [14, 'WARM_RESTART', true], [15, 'INITIALIZE_DATA', true], [16, 'INITIALIZE_APPL', true],
      [17, 'START_APPL', true], [18, 'STOP_APPL', true]]),
    // from the master
    request: { field: 'dnp3.ctl.dir', value: 1 },
  },
  {
    protocol: 'S7comm', layer: 's7comm', field: 's7comm.param.func',
    ops: ops([[0x05, 'Write Var'], [0x1a, 'Request download', true], [0x1b, 'Download block', true], [0x1c, 'Download ended', true],
      [0x28, 'PI-Service (PLC control)', true], [0x29, 'PLC Stop', true]]),
    // ROSCTR 1: Job (a request); 3: Ack_Data
    request: { field: 's7comm.header.rosctr', value: 1 }, response: { field: 's7comm.header.rosctr', value: 3 },
  },
  {
    protocol: 'IEC 60870-5-104', layer: 'iec60870_asdu', field: 'iec60870_asdu.typeid',
    ops: ops([[45, 'C_SC_NA_1 single command', true], [46, 'C_DC_NA_1 double command', true], [47, 'C_RC_NA_1 regulating step', true],
      [48, 'C_SE_NA_1 set point', true], [49, 'C_SE_NB_1 set point', true], [50, 'C_SE_NC_1 set point', true], [51, 'C_BO_NA_1 bitstring', true],
      [58, 'C_SC_TA_1 single command', true], [59, 'C_DC_TA_1 double command', true], [60, 'C_RC_TA_1 regulating step', true],
      [61, 'C_SE_TA_1 set point', true], [62, 'C_SE_TB_1 set point', true], [63, 'C_SE_TC_1 set point', true], [64, 'C_BO_TA_1 bitstring', true],
      [105, 'C_RP_NA_1 reset process', true]]),
    // cause of transmission 6: activation
    request: { field: 'iec60870_asdu.causetx', value: 6 },
  },
  {
    protocol: 'CIP', layer: 'cip', field: 'cip.sc',
    ops: ops([[0x02, 'Set Attributes All'], [0x04, 'Set Attribute List'], [0x10, 'Set Attribute Single'], [0x4d, 'Write Tag'],
      [0x53, 'Write Tag Fragmented'], [0x4e, 'Read Modify Write Tag'], [0x05, 'Reset', true], [0x06, 'Start', true], [0x07, 'Stop', true]]),
    request: { field: 'cip.rr', value: 0 },
  },
  {
    protocol: 'BACnet', layer: 'bacapp', field: 'bacapp.confirmed_service',
    ops: ops([[15, 'writeProperty'], [16, 'writePropertyMultiple'], [17, 'deviceCommunicationControl', true], [20, 'reinitializeDevice', true]]),
    // APDU type 0: confirmed request
    request: { field: 'bacapp.type', value: 0 },
  },
];

const RULE_BY_LAYER = new Map(ICS_OPERATIONS.map((r) => [r.layer, r]));

export interface IcsOperationSeen {
  rule: IcsOperationRule;
  /** the operation's code (function code, service) */
  code: number;
  name: string;
  control: boolean;
  /** request (writer → device) or response (device → writer) */
  direction: 'request' | 'response';
  /** a response carrying the protocol's error field */
  error: boolean;
}

const num = (v: FieldValue): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : NaN);

function matches(m: { field: string; value: number } | { port: number }, f: PacketFacts, d: Dissection, toServer: boolean): boolean {
  if ('port' in m) return toServer ? f.dstPort === m.port : f.srcPort === m.port;
  for (const fd of d.fields) if (fd.name === m.field) return num(fd.value) === m.value;
  return false;
}

/** The ICS write/control operation this frame carries, if any. */
export function icsOperation(f: PacketFacts, d: Dissection): IcsOperationSeen | null {
  const tree = d.tree;
  let rule: IcsOperationRule | undefined;
  for (let i = 1; i < tree.length && rule === undefined; i++) rule = RULE_BY_LAYER.get(tree[i].name);
  if (rule === undefined) return null;
  // a segment may carry several PDUs: the first write/control one counts (what the filter's `in {…}` selects)
  let code = NaN, error = false;
  let op: { name: string; control: boolean } | undefined;
  for (const fd of d.fields) {
    if (fd.name === rule.field && op === undefined) { code = num(fd.value); op = rule.ops.get(code); }
    else if (rule.errorField !== undefined && fd.name === rule.errorField) error = true;
  }
  if (op === undefined) return null;
  const direction = matches(rule.request, f, d, true) ? 'request' : rule.response && matches(rule.response, f, d, false) ? 'response' : null;
  if (direction === null) return null;
  return { rule, code, name: op.name, control: op.control, direction, error: direction === 'response' && error };
}

/** The display-filter clause selecting a rule's write/control requests. */
export function icsRequestClause(rule: IcsOperationRule): string {
  const codes = [...rule.ops.keys()].sort((a, b) => a - b).join(', ');
  const req = 'port' in rule.request ? `(tcp.dstport == ${rule.request.port} || udp.dstport == ${rule.request.port})` : `${rule.request.field} == ${rule.request.value}`;
  return `${rule.field} in {${codes}} && ${req}`;
}
