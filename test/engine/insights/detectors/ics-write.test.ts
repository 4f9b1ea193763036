// Unexpected ICS writes: the HMI that wrote to a PLC while the writers were
// learned keeps writing unremarked; a new host writing to it is named, with
// its writes, how many the PLC accepted or refused, and a filter selecting
// exactly its write requests. Reads from a new host, an allowed engineering
// workstation, and the learned writers given back through the settings
// (a saved session) behave as they should; DNP3's fields, the day its
// decoder adds them, feed the same rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, PSH, SYN, Scenario, ipv4, MAC_A, MAC_B, tcp } from '../craft';
import { framesMatching, runScenario } from '../pipeline';
import { InsightsEngine } from '../../../../main/engine/insights/index';
import { createDissector } from '../../../../main/engine/insights/file';
import type { Dissection, Field } from '../../../../main/engine/types';

const T0 = 1_760_000_000;
const PLC = '198.18.90.2', HMI = '198.18.90.10', ROGUE = '198.18.90.66', READER = '198.18.90.67', ENG = '198.18.90.20';
const w16 = (v: number): number[] => [v >> 8, v & 255];

/** A Modbus/TCP client connection: request() and respond() keep the sequence numbers right so the dissector reads each ADU. */
function modbus(s: Scenario, t: number, client: string, sport: number) {
  let cs = 1000, ss = 5000, tid = 0;
  s.ip(t, tcp(client, PLC, { sport, dport: 502, flags: SYN, seq: cs - 1 }));
  s.ip(t + 0.001, tcp(PLC, client, { sport: 502, dport: sport, flags: SYN | ACK, seq: ss - 1, ack: cs }), MAC_B, MAC_A);
  s.ip(t + 0.002, tcp(client, PLC, { sport, dport: 502, flags: ACK, seq: cs, ack: ss }));
  return {
    request(ts: number, pdu: number[]): number {
      const adu = [...w16(++tid), 0, 0, ...w16(pdu.length + 1), 1, ...pdu];
      const n = s.ip(ts, tcp(client, PLC, { sport, dport: 502, flags: PSH | ACK, seq: cs, ack: ss, payload: adu }));
      cs += adu.length;
      return n;
    },
    respond(ts: number, pdu: number[]): number {
      const adu = [...w16(tid), 0, 0, ...w16(pdu.length + 1), 1, ...pdu];
      const n = s.ip(ts, tcp(PLC, client, { sport: 502, dport: sport, flags: PSH | ACK, seq: ss, ack: cs, payload: adu }), MAC_B, MAC_A);
      ss += adu.length;
      return n;
    },
  };
}

function scenario() {
  const s = new Scenario();
  const hmi = modbus(s, T0, HMI, 40000);
  const eng = modbus(s, T0 + 0.5, ENG, 40001);
  // 10 minutes of the HMI reading holding registers and writing a setpoint every 10 s: the first 5 are learned
  let rogue: ReturnType<typeof modbus> | null = null, reader: ReturnType<typeof modbus> | null = null;
  const rogueWrites: number[] = [];
  let accepted = 0, refused = 0;
  for (let i = 0; i < 60; i++) {
    const t = T0 + 1 + i * 10;
    hmi.request(t, [3, ...w16(100), ...w16(4)]); hmi.respond(t + 0.01, [3, 8, ...w16(1), ...w16(2), ...w16(3), ...w16(4)]);
    hmi.request(t + 0.02, [6, ...w16(7), ...w16(1200 + i)]); hmi.respond(t + 0.03, [6, ...w16(7), ...w16(1200 + i)]);
    if (i === 45) { eng.request(t + 0.5, [16, ...w16(20), ...w16(1), 2, ...w16(9)]); eng.respond(t + 0.51, [16, ...w16(20), ...w16(1)]); }
    if (i === 40) { rogue = modbus(s, t + 1, ROGUE, 50000); reader = modbus(s, t + 1.5, READER, 50001); }
    if (rogue && reader && i >= 40 && i < 52) {
      // the rogue host forces coils and writes registers; the PLC refuses one write with an exception (illegal data address)
      rogueWrites.push(rogue.request(t + 2, [5, ...w16(i), 0xff, 0]));
      rogue.respond(t + 2.01, [5, ...w16(i), 0xff, 0]); accepted++;
      rogueWrites.push(rogue.request(t + 2.02, [16, ...w16(300 + i), ...w16(1), 2, ...w16(0)]));
      if (i === 50) { rogue.respond(t + 2.03, [0x90, 2]); refused++; } else { rogue.respond(t + 2.03, [16, ...w16(300 + i), ...w16(1)]); accepted++; }
      // a read (function 3) is no write
      rogue.request(t + 2.04, [3, ...w16(0), ...w16(1)]); rogue.respond(t + 2.05, [3, 2, ...w16(5)]);
      reader.request(t + 3, [4, ...w16(0), ...w16(2)]); reader.respond(t + 3.01, [4, 4, ...w16(1), ...w16(2)]);
    }
  }
  return { s, rogueWrites, accepted, refused };
}

test('a host that never wrote to a PLC writing coils and registers is an unexpected Modbus write, selected exactly', async () => {
  const { s, rogueWrites, accepted, refused } = scenario();
  const { path, alerts, engine } = await runScenario('ics-write', s, { icsWrite: { allowedWriters: [ENG] } });
  const ics = alerts.filter((a) => a.kind === 'ics-write');
  assert.deepEqual(ics.map((a) => a.title), [`Unexpected Modbus write to ${PLC} from ${ROGUE} (24 operations)`]);
  const a = ics[0];
  assert.deepEqual([a.metrics.writes, a.metrics.accepted, a.metrics.refused, a.metrics.controlOperations], [24, accepted, refused, 0]);
  assert.equal(a.metrics.operations, 'Write Single Coil, Write Multiple Registers');
  assert.equal(a.metrics.knownWriters, 1);
  assert.equal(a.severity, 'medium', 'accepted writes are evidence of harm');
  assert.deepEqual(await framesMatching(path, a.filter), rogueWrites);
  assert.deepEqual(engine.settings.icsWrite.learned?.writers, { [PLC]: [HMI] }, 'learned: the HMI writes to the PLC (the allowed workstation is not profiled)');
});

test('without the workstation allowed, its one write is named too; given the learned writers back, judging starts at the first packet', async () => {
  const { s } = scenario();
  const first = await runScenario('ics-write-eng', s);
  assert.deepEqual(first.alerts.filter((a) => a.kind === 'ics-write').map((a) => a.endpoints[0].address).sort(), [ENG, ROGUE].sort());
  const learned = first.engine.settings.icsWrite.learned;
  assert.ok(learned);
  // a later capture of only the HMI and a host never seen: with the saved profile, nothing is learned again
  const later = new Scenario();
  const hmi = modbus(later, T0 + 5000, HMI, 40100);
  const other = modbus(later, T0 + 5000.5, '198.18.90.99', 40101);
  hmi.request(T0 + 5001, [6, ...w16(7), ...w16(1)]); hmi.respond(T0 + 5001.01, [6, ...w16(7), ...w16(1)]);
  other.request(T0 + 5002, [6, ...w16(7), ...w16(0)]); other.respond(T0 + 5002.01, [0x86, 2]);
  const r = await runScenario('ics-write-later', later, { icsWrite: { learned } });
  const ics = r.alerts.filter((a) => a.kind === 'ics-write');
  assert.deepEqual(ics.map((a) => [a.endpoints[0].address, a.metrics.writes, a.metrics.accepted, a.metrics.refused, a.severity]), [['198.18.90.99', 1, 0, 1, 'low']]);
});

test('DNP3 operate and stop requests, as its decoder will name them, feed the same rule as control operations', () => {
  const dissector = createDissector();
  const engine = new InsightsEngine({ icsWrite: { warmupSec: 0 } });
  const ops = [5, 18];
  for (let i = 0; i < 2; i++) {
    const bytes = [...MAC_A.split(':'), ...MAC_B.split(':')].map((h) => parseInt(h, 16));
    const frame = [...bytes, 0x08, 0x00, ...ipv4('198.18.91.5', '198.18.91.2', 17, [0x4e, 0x20, 0x4e, 0x20, 0, 12, 0, 0, 1, 2, 3, 4])];
    const d: Dissection = dissector.dissect({ number: i + 1, tsNs: BigInt(T0 + i) * 1_000_000_000n, linkType: 1, data: Uint8Array.from(frame), capLen: frame.length, origLen: frame.length, interfaceId: 0 });
    const node: Field = { name: 'dnp3', value: null, start: 42, len: 4 };
    d.tree.push(node);
    d.fields.push(node, { name: 'dnp3.ctl.dir', value: true, start: 42, len: 1 }, { name: 'dnp3.al.func', value: ops[i], start: 43, len: 1 });
    engine.add(d);
  }
  engine.finish();
  const a = engine.alerts().filter((x) => x.kind === 'ics-write');
  assert.equal(a.length, 1, JSON.stringify(engine.alerts().map((x) => x.title)));
  assert.deepEqual([a[0].metrics.protocol, a[0].metrics.writes, a[0].metrics.controlOperations, a[0].metrics.operations], ['DNP3', 2, 2, 'DIRECT_OPERATE, STOP_APPL']);
  assert.equal(a[0].title, 'Unexpected DNP3 control to 198.18.91.2 from 198.18.91.5 (2 operations)');
  assert.equal(a[0].severity, 'medium');
  assert.match(a[0].filter, /dnp3\.al\.func in \{2, 3, 4, 5, 6, 13, 14, 15, 16, 17, 18\} && dnp3\.ctl\.dir == 1/);
});
