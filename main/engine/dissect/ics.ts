// ICS write and control operations, read from a dissection's fields: the
// fact an "ICS write/control" insight counts. One table per protocol of the
// function codes that change a process (Modbus writes, DNP3 operate, write,
// restart and stop, S7 Write Var, downloads, PI-Service and PLC Stop,
// IEC 104 commands, CIP sets/resets/stops, BACnet writes and device
// control); each hit carries a display filter that selects exactly that
// kind of packet, so an alert can name the packets it counted.
import type { Dissection, Field } from '../types';
import { MODBUS_FUNCTIONS, MODBUS_WRITES } from './modbus';
import { DNP3_CONTROL, DNP3_FUNCTIONS } from './dnp3';
import { S7_CONTROL, S7_FUNCTIONS } from './s7comm';
import { IEC104_COMMANDS, iec104TypeName } from './iec104';
import { CIP_SERVICES, CIP_WRITES } from './enip';
import { BACNET_CONFIRMED, BACNET_WRITES } from './bacnet';

export interface IcsOperation {
  /** the protocol's filter name: 'modbus', 'dnp3', 's7comm', 'iec60870_asdu', 'cip', 'bacapp' */
  protocol: string;
  /** the function, service or type id */
  code: number;
  /** its name as tshark shows it */
  name: string;
  /** a display filter that selects the packets of this operation */
  filter: string;
}

const first = (fields: readonly Field[], name: string): number | undefined => {
  for (const f of fields) if (f.name === name && typeof f.value === 'number') return f.value;
  return undefined;
};

/**
 * The write or control operations a packet requests (not their responses):
 * empty for anything else. Reads only the fields the ICS dissectors add.
 */
export function icsOperations(d: Dissection): IcsOperation[] {
  const out: IcsOperation[] = [];
  const fields = d.fields;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    const v = f.value;
    if (typeof v !== 'number') continue;
    switch (f.name) {
      // a Modbus query goes to the server's port: a response echoes the function code
      case 'modbus.func_code':
        if (MODBUS_WRITES.has(v) && first(fields, 'tcp.dstport') === 502) out.push({ protocol: 'modbus', code: v, name: MODBUS_FUNCTIONS[v], filter: `modbus.func_code == ${v} && tcp.dstport == 502` });
        break;
      case 'dnp3.al.func':
        if (DNP3_CONTROL.has(v)) out.push({ protocol: 'dnp3', code: v, name: DNP3_FUNCTIONS[v], filter: `dnp3.al.func == ${v}` });
        break;
      case 's7comm.param.func':
        // a Job (ROSCTR 1) asks; the Ack_Data answers
        if (S7_CONTROL.has(v) && first(fields, 's7comm.header.rosctr') === 1) {
          out.push({ protocol: 's7comm', code: v, name: S7_FUNCTIONS[v], filter: `s7comm.header.rosctr == 1 && s7comm.param.func == 0x${v.toString(16).padStart(2, '0')}` });
        }
        break;
      case 'iec60870_asdu.typeid':
        // activation (cause 6) is the command; confirmations and terminations answer it
        if (IEC104_COMMANDS.has(v) && first(fields, 'iec60870_asdu.causetx') === 6) {
          out.push({ protocol: 'iec60870_asdu', code: v, name: iec104TypeName(v), filter: `iec60870_asdu.typeid == ${v} && iec60870_asdu.causetx == 6` });
        }
        break;
      case 'cip.sc':
        if (CIP_WRITES.has(v) && first(fields, 'cip.rr') === 0) out.push({ protocol: 'cip', code: v, name: CIP_SERVICES[v], filter: `cip.rr == 0 && cip.sc == 0x${v.toString(16).padStart(2, '0')}` });
        break;
      case 'bacapp.confirmed_service':
        if (BACNET_WRITES.has(v) && first(fields, 'bacapp.type') === 0) {
          out.push({ protocol: 'bacapp', code: v, name: BACNET_CONFIRMED[v], filter: `bacapp.type == 0 && bacapp.confirmed_service == ${v}` });
        }
        break;
      default:
    }
  }
  return out;
}
