// How a TCP or UDP payload's protocol is chosen by port, as tshark 4.0's
// decode_tcp_ports / decode_udp_ports: the server port the handshake
// named, then the lower port, then the higher; a protocol whose tshark
// dissector rejects the payload passes it on to the next. Each case is
// crafted where the two ports name different protocols and judged by
// tshark on the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortTable } from '../../../main/engine/dissect/tables';
import { craftedAgrees, tsharkSkip } from './compare';
import { ascii, dnsQuery, eth, ipv4, udp } from './packets';
import { tcpConversation, tcpFrameBytes } from '../../lib/tcp-frame';
import { dnpLinkFrame } from './dnp3-frame';

const FIELDS = ['frame.protocols', 'tcp.stream', 'udp.stream', 'http.request.method', 'ftp.request.command', 'ssh.protocol', 'mbtcp.trans_id',
  'modbus.func_code', 'dnp3.src', 'snmp.community', 'sip.Method', 'dns.qry.name', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

const C = '198.18.0.1', S = '198.18.0.2';
const GET = 'GET /index.html HTTP/1.1\r\nHost: example.test\r\n\r\n';
const BANNER = 'SSH-2.0-OpenSSH_9.6\r\n';
/** A Modbus/TCP Read Holding Registers query (MBAP: transaction 7, protocol 0, length 6, unit 1). */
const MODBUS_QUERY = [0, 7, 0, 0, 0, 6, 1, 3, 0, 0, 0, 2];
/** An SNMPv2c get-request for sysDescr.0, community "public". */
const SNMP_GET = [0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, ...ascii('public'), 0xa0, 0x19, 0x02, 0x01, 0x2a, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
  0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00];
const SIP_OPTIONS = 'OPTIONS sip:ua@example.test SIP/2.0\r\nVia: SIP/2.0/UDP 198.18.0.1:161;branch=z9hG4bK1\r\nCall-ID: 1@198.18.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';

const udpFrame = (sp: number, dp: number, payload: number[]): number[] => eth(0x0800, ipv4(C, S, 17, udp(sp, dp, payload)));

/** A connection from `cport` to `sport` (with its handshake unless `syn` is false), the client speaking first. */
function conversation(cport: number, sport: number, syn: boolean, talk: (c: (p: number[] | string) => void, s: (p: number[] | string) => void) => void): Buffer[] {
  const frames: Buffer[] = [];
  const { c, s } = tcpConversation(frames, C, S, cport, sport);
  talk(c, s);
  return syn ? frames : frames.slice(3);
}

test('PortTable: the server port first, then the lower, then the higher; a rejecting protocol passes', () => {
  const t = new PortTable<string>('test.port');
  t.add([22], 'ssh');
  t.add([80], 'http');
  t.add([502], 'mbtcp', { accepts: (d, off) => d[off] === 0 });
  t.add([17500], 'db-lsp', { both: true });
  const any = Uint8Array.of(1), zero = Uint8Array.of(0);
  assert.equal(t.choose(80, 22, 0, any, 0, 1), 'ssh');
  assert.equal(t.choose(22, 80, 80, any, 0, 1), 'http');
  assert.equal(t.matched, 80);
  assert.equal(t.choose(80, 502, 502, zero, 0, 1), 'mbtcp');
  assert.equal(t.choose(80, 502, 502, any, 0, 1), 'http', 'Modbus rejects: the other port');
  assert.equal(t.matched, 80);
  assert.equal(t.choose(40000, 502, 0, any, 0, 1), undefined);
  assert.equal(t.choose(0, 40000, 0, any, 0, 1), undefined, 'port 0 is never looked up');
  assert.equal(t.choose(17500, 40000, 0, any, 0, 1), undefined, 'a both-ports protocol needs both');
  assert.equal(t.choose(17500, 17500, 0, any, 0, 1), 'db-lsp');
  assert.equal(t.get(502), 'mbtcp', 'get ignores the payload (Decode As)');
});

// (a) The SYN names the server (22): tshark tries its port first. The old
// priority rule chose HTTP (the client's port 80) and differed.
test('TCP with its handshake: the server port (22) before the client\'s lower-priority well-known one (80)', { skip: tsharkSkip() }, () => {
  const f = conversation(80, 22, true, (c, s) => { s(BANNER); c(BANNER); });
  const r = craftedAgrees('port-server-first', f, FIELDS, { seed: ['port-server-first', 22] });
  assert.match(r.theirs.at(-1)?.[0] ?? '', /:ssh$/);
});

// (b) Mid-stream, no handshake: the lower port. 21 < 8080, so FTP, where the
// old rule took HTTP for its priority and differed.
test('TCP without its handshake: the lower port (21) before the higher (8080)', { skip: tsharkSkip() }, () => {
  const f = conversation(21, 8080, false, (c) => { c(GET); });
  const r = craftedAgrees('port-lower-first', f, FIELDS, { seed: ['port-lower-first', 21] });
  assert.match(r.theirs[0][0], /:ftp$/);
  // the same connection with its handshake is HTTP: 8080 is the server's port
  const g = conversation(21, 8080, true, (c) => { c(GET); });
  const h = craftedAgrees('port-lower-first-syn', g, FIELDS, { seed: ['port-lower-first-syn', 8080] });
  assert.match(h.theirs.at(-1)?.[0] ?? '', /:http$/);
});

// (c) UDP between two registered ports: the lower (161, SNMP) before the
// higher (5353, mDNS); the old rule preferred mDNS and differed.
test('UDP between two registered ports: the lower port (161) before the higher (5353)', { skip: tsharkSkip() }, () => {
  const f = [udpFrame(5353, 161, SNMP_GET), udpFrame(161, 5353, SNMP_GET)];
  const r = craftedAgrees('port-udp-lower', f, FIELDS, { seed: ['port-udp-lower', 161] });
  for (const row of r.theirs) assert.match(row[0], /:snmp$/);
});

// (d) The lower port's protocol rejects the payload: SNMP's check finds no
// SEQUENCE in a SIP request, so 5060 (SIP) decodes it. The old rule gave
// the datagram to SNMP (data) and differed.
test('UDP: a payload the lower port\'s protocol rejects goes to the higher port\'s', { skip: tsharkSkip() }, () => {
  const f = [udpFrame(161, 5060, ascii(SIP_OPTIONS)), udpFrame(5060, 161, ascii(SIP_OPTIONS.replace('OPTIONS sip', 'SIP/2.0 200 OK\r\nX: sip')))];
  const r = craftedAgrees('port-udp-reject', f, FIELDS, { seed: ['port-udp-reject', 5060] });
  for (const row of r.theirs) assert.match(row[0], /:sip$/);
});

// (d) over TCP: Modbus (502, the lower port) rejects a DNP3 frame (its
// protocol id is not 0), so DNP3 (20000) takes it; the old rule gave
// Modbus. And TLS (443, the server port) rejects plain text, so the
// client's HTTP port decodes the request.
test('TCP: a payload the first candidate\'s protocol rejects goes to the next port\'s', { skip: tsharkSkip() }, () => {
  const dnp = dnpLinkFrame(0xc4, 10, 1, [0xc0, 0xc1, 0x01, 0x3c, 0x02, 0x06]);
  const f = conversation(502, 20000, false, (c) => { c(dnp); });
  const r = craftedAgrees('port-tcp-reject', f, FIELDS, { seed: ['port-tcp-reject', 502] });
  assert.match(r.theirs[0][0], /:dnp3$/);
  const g = conversation(80, 443, true, (c) => { c(GET); });
  const h = craftedAgrees('port-tls-rejects-text', g, FIELDS, { seed: ['port-tls-rejects-text', 443] });
  assert.match(h.theirs.at(-1)?.[0] ?? '', /:http$/);
});

// tshark asks the ports again on every segment: a first segment every port
// rejects is data, and a later one its protocol takes is decoded. Kept as
// data for the whole direction, the Modbus query after it was lost.
test('TCP: after a rejected segment the ports are tried again on the next', { skip: tsharkSkip() }, () => {
  const junk = Buffer.from('hello', 'latin1');
  const f = [
    tcpFrameBytes(C, S, 40000, 502, 1000, 5000, 0x18, [], junk, 64240),
    tcpFrameBytes(C, S, 40000, 502, 1000 + junk.length, 5000, 0x18, [], Buffer.from(MODBUS_QUERY), 64240),
  ];
  const r = craftedAgrees('port-retry', f, FIELDS, { seed: ['port-retry', 502] });
  assert.match(r.theirs[0][0], /:data$/);
  assert.match(r.theirs[1][0], /:modbus$/);
});

// A protocol whose tshark dissector rejects the datagram on its only port
// leaves it to data, with the columns it had set by then (ISAKMP, BVLC):
// ISAKMP with a length field short of its header, BVLC with a header
// length past its length field, L2TP of version 1, the same ISAKMP header
// behind UDP encapsulation's non-ESP marker (ISAKMP's columns again), a
// SIP keep-alive, a short SNMP SEQUENCE. Before, each was decoded as
// its protocol (or SIP's "Continuation") and differed.
test('UDP: a payload its only port\'s protocol rejects is data, with the columns tshark leaves', { skip: tsharkSkip() }, () => {
  const isakmp = [...Array(27).fill(0), 27];
  const f = [
    udpFrame(50000, 500, isakmp),
    udpFrame(50001, 47808, [0x81, 0x09, 0x00, 0x03, 1, 2, 3, 4]),
    udpFrame(50002, 47808, [0x81, 0x04, 0x00, 0x08, 1, 2, 3, 4]),
    udpFrame(50003, 1701, [0x00, 0x01, 0x00, 0x00, 0x00, 0x00]),
    udpFrame(50004, 4500, [0, 0, 0, 0, ...isakmp]),
    udpFrame(50005, 5060, ascii('keep-alive\r\n')),
    udpFrame(50006, 161, [0x30, 0x10, 0x02, 0x01, 0x00]),
  ];
  const r = craftedAgrees('port-udp-rejected-alone', f, FIELDS, { seed: ['port-udp-rejected-alone', 500] });
  for (const row of r.theirs) assert.match(row[0], /:data$/);
  assert.deepEqual(r.theirs.map((row) => row[FIELDS.indexOf('_ws.col.Protocol')]), ['ISAKMP', 'BVLC', 'BVLC', 'UDP', 'ISAKMP', 'UDP', 'UDP']);
});

// Ports tshark 4.0 registers nothing on (it finds VNC, HTTP, TLS there by
// heuristic) are no candidates: a DNP3 frame from 5902 to 20000 is DNP3,
// where VNC took it while we registered 5900-5910.
test('TCP: a port only a heuristic of tshark knows is no candidate', { skip: tsharkSkip() }, () => {
  const dnp = dnpLinkFrame(0xc4, 10, 1, [0xc0, 0xc1, 0x01, 0x3c, 0x02, 0x06]);
  const f = conversation(5902, 20000, false, (c) => { c(dnp); });
  const r = craftedAgrees('port-heuristic-only', f, FIELDS, { seed: ['port-heuristic-only', 5902] });
  assert.match(r.theirs[0][0], /:dnp3$/);
});

// Ports tshark 4.0 registers for a protocol we decode, beyond its best
// known one: TLS under MQTT (8883) and AMQP (5671), SSH on Gerrit's 29418,
// VNC's listening viewer ports (5500), DHCP's PXE port (4011), DNS over
// TCP on 5353, SNMP on 8161, HTTP on IPP's 631 and DAAP's 3689. Mid-stream
// (no handshake, so no heuristic has a start to go by) only the port
// decides; without these registrations each was data. tshark names a
// message on 4011 proxyDHCP, and leaves Info empty for a VNC segment
// before any version message (we said "Continuation").
test('TCP/UDP: the further ports tshark registers for protocols we decode', { skip: tsharkSkip() }, () => {
  const bin = [0x8a, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77];
  const bootp = [1, 1, 6, 0, 0, 0, 0, 9, ...Array(8).fill(0), ...Array(12).fill(0), 2, 0, 0, 0, 0, 1, ...Array(10).fill(0), ...Array(192).fill(0),
    0x63, 0x82, 0x53, 0x63, 53, 1, 1, 255];
  const dnsq = dnsQuery(0x1234, 'example.test');
  const f = [
    ...conversation(50000, 8883, false, (c) => { c(bin); }),
    ...conversation(50001, 5671, false, (c) => { c(bin); }),
    ...conversation(50002, 29418, false, (c) => { c(BANNER); }),
    ...conversation(50003, 5500, false, (c) => { c(bin); }),
    ...conversation(50013, 5900, false, (c) => { c(bin); }),
    ...conversation(50004, 5353, false, (c) => { c([dnsq.length >> 8, dnsq.length & 0xff, ...dnsq]); }),
    ...conversation(50005, 631, false, (c) => { c(GET); }),
    ...conversation(50006, 3689, false, (c) => { c(GET); }),
    udpFrame(50007, 4011, bootp),
    udpFrame(50008, 8161, SNMP_GET),
  ];
  const r = craftedAgrees('port-further', f, FIELDS, { seed: ['port-further', 8883] });
  assert.deepEqual(r.theirs.map((row) => row[0].split(':').at(-1)), ['tls', 'tls', 'ssh', 'vnc', 'vnc', 'dns', 'http', 'http', 'dhcp', 'snmp']);
});
