// S7comm over ISO-on-TCP (tcp/102), built from the public protocol
// descriptions (no peer is packaged): the COTP connection, Setup
// communication, Read Var, Write Var, PLC Stop, an error acknowledgement,
// COTP data that is not S7comm, and a cut header — compared cell by cell with tshark.
import { test } from 'node:test';
import { tsharkSkip, craftedAgrees } from './compare';
import { tcpConversation } from '../../lib/tcp-frame';

const C = '198.18.0.1', S = '198.18.0.2';
const w = (v: number): number[] => [v >> 8, v & 255];
const tpkt = (cotp: number[]): number[] => [3, 0, ...w(4 + cotp.length), ...cotp];
const dt = (payload: number[]): number[] => tpkt([2, 0xf0, 0x80, ...payload]);
const s7 = (rosctr: number, ref: number, param: number[], data: number[] = [], err?: [number, number]): number[] =>
  [0x32, rosctr, 0, 0, ...w(ref), ...w(param.length), ...w(data.length), ...(err ?? []), ...param, ...data];

export function s7Session(): Buffer[] {
  const f: Buffer[] = [];
  const { c, s } = tcpConversation(f, C, S, 40001, 102);
  // COTP CR/CC with TSAPs and TPDU size
  c(tpkt([17, 0xe0, 0, 0, 0, 1, 0, 0xc0, 1, 0x0a, 0xc1, 2, 1, 0, 0xc2, 2, 1, 2]));
  s(tpkt([17, 0xd0, 0, 1, 0, 2, 0, 0xc0, 1, 0x0a, 0xc1, 2, 1, 0, 0xc2, 2, 1, 2]));
  c(dt(s7(1, 0x0100, [0xf0, 0, ...w(1), ...w(1), ...w(480)])));
  s(dt(s7(3, 0x0100, [0xf0, 0, ...w(1), ...w(1), ...w(240)], [], [0, 0])));
  // Read Var: one item, DB1.DBX0.0 byte x 4
  c(dt(s7(1, 0x0200, [0x04, 1, 0x12, 0x0a, 0x10, 0x02, ...w(4), ...w(1), 0x84, 0, 0, 0])));
  s(dt(s7(3, 0x0200, [0x04, 1], [0xff, 0x04, ...w(32), 1, 2, 3, 4], [0, 0])));
  // Write Var
  c(dt(s7(1, 0x0300, [0x05, 1, 0x12, 0x0a, 0x10, 0x02, ...w(1), ...w(1), 0x84, 0, 0, 0], [0, 0x04, ...w(8), 0x2a])));
  s(dt(s7(3, 0x0300, [0x05, 1], [0xff], [0, 0])));
  // PLC Stop, refused
  c(dt(s7(1, 0x0400, [0x29, 0, 0, 0, 0, 0, 9, 0x50, 0x5f, 0x50, 0x52, 0x4f, 0x47, 0x52, 0x41, 0x4d])));
  s(dt(s7(3, 0x0400, [0x29], [], [0x81, 0x04])));
  // Userdata (parameter not decoded), not S7comm, then a header cut short
  c(dt(s7(7, 0x0500, [0, 1, 0x12, 4, 0x11, 0x44, 1, 0], [0x0a, 0, 0, 0])));
  c(dt([0x33, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
  c(dt([0x32, 3, 0, 0, 0, 6, 0, 0, 0, 0, 0]));
  return f;
}

const FIELDS = ['frame.protocols', 'tcp.stream', 'tpkt.length', 'cotp.type', 's7comm.header.protid', 's7comm.header.rosctr', 's7comm.header.redid',
  's7comm.header.pduref', 's7comm.header.parlg', 's7comm.header.datlg', 's7comm.header.errcls', 's7comm.header.errcod', 's7comm.param.func',
  's7comm.param.maxamq_calling', 's7comm.param.maxamq_called', 's7comm.param.pdu_length', 's7comm.param.itemcount', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('S7comm agrees with tshark field by field', { skip: tsharkSkip() }, () => {
  craftedAgrees('s7comm', s7Session(), FIELDS, { seed: ['s7comm-damage', 102] });
});
