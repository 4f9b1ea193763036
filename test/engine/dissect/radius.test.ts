// RADIUS on its six ports, judged by tshark 4.0 on the same bytes: every
// packet code family, the attribute value types of its dictionary (strings,
// integers with value names, addresses, dates, prefixes, tags, encrypted
// values, TLVs, extended attributes), the attributes it decodes itself
// (CHAP-Password, Framed-IP-Address, Egress-VLANID, ...), Vendor-Specific
// with known and unknown vendors, EAP-Message joined across attributes and
// handed to EAP, request/response pairing with duplicates, and damage: AVP
// lengths that lie, a packet length past the bytes, cut headers, codes and
// lengths tshark refuses (then UDP's data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { craftedAgrees, recordsAgree, tsharkSkip } from './compare';
import type { PcapRecord } from '../../lib/pcap';
import { hasCommand } from '../../lib/env';
import { withLivePair } from '../../lib/netns';
import { captureWhile } from '../../lib/tcpdump';
import { daemonRunAgrees } from './compare';
import { keepCapture, peersSkipReason } from './peers';
import { ascii, eth, ipv4, ipv6, udp, u16, u32, ip4 } from './packets';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { Dissector } from '../../../main/engine/dissect';
import { raw } from './packets';

const C = '198.18.0.1', S = '198.18.0.2';
const avp = (t: number, v: number[]): number[] => [t, v.length + 2, ...v];
const AUTH = Array.from({ length: 16 }, (_, i) => i);
const radius = (code: number, id: number, avps: number[][], o: { auth?: number[]; length?: number } = {}): number[] => {
  const body = avps.flat();
  return [code, id, ...u16(o.length ?? 20 + body.length), ...(o.auth ?? AUTH), ...body];
};
const req = (dp: number, p: number[], sp = 40000): number[] => eth(0x0800, ipv4(C, S, 17, udp(sp, dp, p)));
const rsp = (sp: number, p: number[], dp = 40000): number[] => eth(0x0800, ipv4(S, C, 17, udp(sp, dp, p)));
const eapIdentity = (id: number, name: string): number[] => [2, id, ...u16(5 + name.length), 1, ...ascii(name)];

const FRAMES = [
  // an access exchange: strings, integers with names, addresses, EAP, Message-Authenticator, vendors known and not
  req(1812, radius(1, 5, [avp(1, ascii('bob')), avp(2, Array(16).fill(0x11)), avp(4, ip4('198.18.0.9')), avp(5, u32(7)), avp(6, u32(2)),
    avp(61, u32(15)), avp(30, ascii('00-11-22')), avp(31, ascii('aa')), avp(80, Array(16).fill(0x22)), avp(79, eapIdentity(1, 'bob')),
    avp(26, [...u32(311), 1, 6, 0, 0, 0, 1]), avp(26, [...u32(99999), 3, 5, 1, 2, 3]), avp(95, [0x20, 1, 0xd, 0xb8, ...Array(11).fill(0), 1]), avp(200, ascii('xyz'))])),
  rsp(1812, radius(11, 5, [avp(79, [1, 2, 0, 6, 13, 0x20]), avp(24, ascii('state')), avp(80, Array(16).fill(0x33))])),
  // an EAP message in three attributes, then an attribute of another type, then a non-consecutive one
  req(1812, radius(1, 6, [avp(79, [2, 2, 0, 0x1d, 1, ...ascii('a'.repeat(8))]), avp(79, ascii('b'.repeat(8))), avp(79, ascii('c'.repeat(8))),
    avp(1, ascii('carol')), avp(79, [2, 3, 0, 5, 1])])),
  rsp(1812, radius(2, 6, [avp(18, ascii('welcome')), avp(27, u32(3600)), avp(8, u32(0xfffffffe)), avp(14, u32(0)), avp(23, u32(0xfffffffe)), avp(22, ascii('198.18.4.0/24 198.18.0.1 1'))])),
  // the same request again (a retransmission), then a second reply to it
  req(1812, radius(1, 6, [avp(1, ascii('carol'))])),
  rsp(1812, radius(3, 6, [avp(18, ascii('no'))])),
  rsp(1812, radius(3, 6, [avp(18, ascii('no'))])),
  // accounting: dates, tags, encrypted tunnel password, ifid, prefixes, 64-bit, CHAP, Egress-VLAN, wrong lengths
  req(1813, radius(4, 9, [avp(40, u32(1)), avp(55, u32(1700000000)), avp(64, [1, 0, 0, 3]), avp(65, [0x20, 0, 0, 1]), avp(66, [2, ...ascii('host')]),
    avp(66, ascii('nohost')), avp(69, [1, 0xaa, 0xbb]), avp(96, [0, 1, 2, 3, 4, 5, 6, 7]), avp(97, [0, 64, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 1]),
    avp(97, [1, 64, 0x20]), avp(124, [0, 0, 0, 1, 0, 0, 0, 2]), avp(3, Array.from({ length: 17 }, (_, i) => i)), avp(3, [1, 2]), avp(4, [1, 2, 3]),
    avp(5, [0, 7]), avp(56, u32(0x31000064)), avp(58, ascii('1vlan')), avp(65, [1, 0, 0, 9]), avp(44, ascii('0000002A')), avp(46, u32(61)),
    avp(42, u32(1000)), avp(52, u32(1)), avp(41, u32(0)), avp(87, ascii('eth0')), avp(8, ip4('198.18.7.7')), avp(141, [0, 5]), avp(143, [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc])])),
  rsp(1813, radius(5, 9, [])),
  // extended attributes, a TLV attribute, vendors with several sub-attributes
  req(1813, radius(4, 10, [avp(241, [1, 0, 0, 0, 2]), avp(173, [1, 3, 9, 2, 6, 0, 0, 0, 1]), avp(26, [...u32(9), 1, 6, ...ascii('ab=c'), 1, 5, ...ascii('x=y')]),
    avp(26, [...u32(14122), 1, 5, ...ascii('loc'), 2, 6, ...ascii('name')]), avp(26, [...u32(311), 16, 4, 1, 2, 17, 2]), avp(26, [0, 0]), avp(200, []), avp(1, []), avp(5, []), avp(4, [])])),
  // dynamic authorization (RFC 5176) on 3799 and the pre-RFC ports
  req(3799, radius(40, 1, [avp(1, ascii('bob')), avp(44, ascii('s1'))]), 50000),
  rsp(3799, radius(41, 1, []), 50000),
  req(3799, radius(43, 2, [avp(101, u32(503))]), 50000),
  rsp(3799, radius(45, 2, [avp(101, u32(503))]), 50000),
  req(1645, radius(1, 3, [avp(1, ascii('old'))]), 1024),
  rsp(1646, radius(5, 4, []), 1024),
  req(1700, radius(12, 0, [avp(80, Array(16).fill(0))]), 1025),
  // over IPv6
  eth(0x86dd, ipv6(17, udp(40001, 1812, radius(1, 77, [avp(1, ascii('v6')), avp(95, [0x20, 1, 0xd, 0xb8, ...Array(11).fill(0), 9])])), 1, 2)),
  eth(0x86dd, ipv6(17, udp(1812, 40001, radius(2, 77, [])), 2, 1)),
  // damage: AVP length 1, AVP past the packet length, length past the bytes, VSA reading past its AVP
  req(1812, radius(1, 11, [avp(1, ascii('x')), [1, 1], avp(1, ascii('y'))])),
  req(1812, radius(1, 12, [avp(1, ascii('x')), [1, 9, 65]])),
  req(1812, radius(1, 13, [avp(1, ascii('x'))], { length: 100 })),
  req(1813, radius(4, 14, [avp(26, [...u32(1), 3]), avp(26, [...u32(311), 7, 9, 1, 2, 3])])),
  req(1812, radius(1, 15, [avp(1, ascii('x')), avp(26, [...u32(9), 1, 1])])),
  req(1812, radius(1, 16, [avp(6, [0, 0, 0, 0, 0]), avp(64, []), avp(241, [])])),
  // refused: a length under 20 or over 4096, an unnamed code; a cut header
  req(1812, radius(1, 14, [avp(1, ascii('x'))], { length: 19 })),
  req(1812, radius(1, 14, [avp(1, ascii('x'))], { length: 5000 })),
  req(1812, radius(99, 14, [avp(1, ascii('x'))])),
  req(1812, radius(1, 14, [avp(1, ascii('x'))]).slice(0, 12)),
  req(1812, radius(1, 14, [avp(1, ascii('x'))]).slice(0, 3)),
  // padding after the packet's length
  req(1812, [...radius(1, 15, [avp(1, ascii('x'))]), 0, 0, 0]),
];

const FIELDS = ['frame.protocols', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed', 'radius.code', 'radius.id', 'radius.length', 'radius.authenticator',
  'radius.req', 'radius.rsp', 'radius.reqframe', 'radius.rspframe', 'radius.time', 'radius.dup', 'radius.req.dup', 'radius.rsp.dup',
  'radius.avp', 'radius.avp.type', 'radius.avp.length', 'radius.avp.vendor_id', 'radius.avp.vendor_type', 'radius.avp.vendor_len',
  'radius.avp.extended_type', 'radius.eap_fragment', 'radius.Unknown_Attribute',
  'radius.User_Name', 'radius.User_Password_encrypted', 'radius.NAS_IP_Address', 'radius.NAS_Port', 'radius.Service_Type', 'radius.NAS_Port_Type',
  'radius.Called_Station_Id', 'radius.Calling_Station_Id', 'radius.Message_Authenticator', 'radius.NAS_IPv6_Address', 'radius.MS_CHAP_Response',
  'radius.State', 'radius.Reply_Message', 'radius.Session_Timeout', 'radius.Framed-IP-Address', 'radius.Login-IP-Host', 'radius.Framed-IPX-Network',
  'radius.Framed_Route', 'radius.Acct_Status_Type', 'radius.Event_Timestamp', 'radius.Tunnel_Type', 'radius.Tunnel_Type.tag', 'radius.Tunnel_Medium_Type',
  'radius.Tunnel_Medium_Type.tag', 'radius.Tunnel_Client_Endpoint', 'radius.Tunnel_Client_Endpoint.tag', 'radius.Tunnel_Password_encrypted',
  'radius.Tunnel_Password.tag', 'radius.Framed_Interface_Id', 'radius.Framed_IPv6_Prefix', 'radius.MIP6_Feature_Vector', 'radius.CHAP_Password',
  'radius.CHAP_Ident', 'radius.CHAP_String', 'radius.egress_vlanid_tag', 'radius.egress_vlanid_pad', 'radius.egress_vlanid', 'radius.egress_vlan_name_tag',
  'radius.egress_vlan_name', 'radius.Acct_Session_Id', 'radius.Acct_Session_Time', 'radius.Acct_Input_Octets', 'radius.Acct_Input_Gigawords',
  'radius.Acct_Delay_Time', 'radius.NAS_Port_Id', 'radius.Frag_Status', 'radius.Cisco_AVPair', 'radius.WISPr_Location_ID', 'radius.WISPr_Location_Name',
  'radius.MS_MPPE_Send_Key', 'radius.MS_MPPE_Recv_Key', 'radius.Error_Cause', 'radius.IPv6_6rd_IPv4MaskLen', 'radius.IPv6_6rd_Prefix',
  'radius.PKM_SAID', 'radius.PKM_Auth_Key', 'eap.code', 'eap.id', 'eap.len', 'eap.type', 'eap.identity'];

test('RADIUS: codes, attribute types, vendors, EAP, pairing and damage agree with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('radius', FRAMES, FIELDS, { seed: ['radius', 1] });
  assert.ok(r.theirs.filter((row) => row[0].endsWith(':radius') || row[0].endsWith(':radius:eap')).length >= 25);
});

test('RADIUS fields are known to the display filter', () => {
  const f = compileDisplayFilter('radius.code == 1 && radius.User_Name == "bob" && radius.Service_Type == 2');
  assert.ok(f.ok, f.ok ? '' : f.error.message);
  const dis = new Dissector({ geoip: null });
  assert.deepEqual(FRAMES.slice(0, 3).map((p) => f.ok && f.filter.matches(dis.dissect(raw(p)))), [true, false, false]);
});

test('RADIUS cut by the capture at every offset agrees with tshark', { skip: tsharkSkip() }, () => {
  // the first access request (every value type, EAP, vendors) and the EAP run, cut at each byte of the RADIUS message
  const recs: PcapRecord[] = [];
  for (const f of [FRAMES[0], FRAMES[2]]) for (let n = 43; n < f.length; n++) recs.push({ data: Uint8Array.from(f.slice(0, n)), origLen: f.length });
  recordsAgree('radius-cut', recs, FIELDS);
});

/** RADIUS datagrams (udp/1812 or 1813 as either port, over Ethernet/IPv4) in the capture so far. */
function radiusCount(path: string): number {
  if (!existsSync(path)) return 0;
  const b = readFileSync(path);
  let n = 0;
  for (let o = 24; o + 16 <= b.length;) {
    const len = b.readUInt32LE(o + 8), p = o + 16 + 34;
    if (p + 4 <= o + 16 + len && [1812, 1813].some((x) => b.readUInt16BE(p) === x || b.readUInt16BE(p + 2) === x)) n++;
    o += 16 + len;
  }
  return n;
}

test('RADIUS from FreeRADIUS: radclient\'s access and accounting exchanges as tshark decodes them', {
  skip: peersSkipReason() || (hasCommand('freeradius') && hasCommand('radclient') ? false : 'needs freeradius and freeradius-utils'), timeout: 60_000,
}, async () => {
  await withLivePair('xs-radius-', async (pair, dir, daemons) => {
    // the packaged configuration, with the test client and one user
    const raddb = join(dir, 'raddb');
    cpSync('/etc/freeradius/3.0', raddb, { recursive: true });
    writeFileSync(join(raddb, 'clients.conf'), 'client test {\n\tipaddr = 198.18.0.0/15\n\tsecret = testing123\n}\n');
    // it stays root: the scratch folder is not the freerad user's to read
    const conf = join(raddb, 'radiusd.conf');
    // (and answers a wrong password at once: its reject_delay would only make the test slower)
    writeFileSync(conf, readFileSync(conf, 'utf8').replace(/^\s*(user|group) = freerad$/gm, '').replace(/^(\s*reject_delay = )\d+$/m, (_m, k: string) => `${k}0`));
    const users = join(raddb, 'mods-config/files/authorize');
    writeFileSync(users, `bob Cleartext-Password := "hello"\n\tReply-Message := "Hello, %{User-Name}", Session-Timeout := 3600\n\n${readFileSync(users, 'utf8')}`);
    const server = pair.spawn(pair.serverNs, ['freeradius', '-f', '-d', raddb, '-l', 'stdout'], { stdio: 'ignore' });
    daemons.push(server);
    await pair.listening(pair.serverNs, 'u', 1812);
    await pair.listening(pair.serverNs, 'u', 1813);
    const pcap = join(dir, 'radius.pcap');
    // radclient exits 1 on a reject: what the capture holds is checked instead
    const send = (port: number, kind: string, attrs: string): void => {
      try {
        pair.exec(pair.clientNs, ['radclient', '-x', '-r', '1', '-t', '3', `${pair.serverIp}:${port}`, kind, 'testing123'], { input: `${attrs}\n`, timeoutMs: 15_000 });
      } catch { /* the wrong password's reject */ }
    };
    await captureWhile(pair, pcap, 'udp port 1812 or udp port 1813', () => {
      send(1812, 'auth', `User-Name = bob, User-Password = hello, NAS-IP-Address = ${pair.clientIp}, NAS-Port = 7, Service-Type = Framed-User, Message-Authenticator = 0x00`);
      send(1812, 'auth', 'User-Name = bob, User-Password = wrong, NAS-Port-Type = Ethernet, Calling-Station-Id = "02-00-00-00-00-01"');
      send(1813, 'acct', `User-Name = bob, Acct-Status-Type = Start, Acct-Session-Id = "s1", NAS-IP-Address = ${pair.clientIp}, Framed-IP-Address = 198.18.9.9, Event-Timestamp = 1700000000`);
    }, (path) => radiusCount(path) >= 6, 'three RADIUS requests and their answers in the capture');
    keepCapture(pcap);
    const r = daemonRunAgrees(pcap, FIELDS, { name: 'radius-freeradius', proto: 'radius', label: 'RADIUS', min: 6, seed: ['radius-freeradius', 1812] });
    const info = r.theirs.map((row) => row[FIELDS.indexOf('_ws.col.Info')]);
    for (const want of ['Access-Request', 'Access-Accept', 'Access-Reject', 'Accounting-Request', 'Accounting-Response']) assert.ok(info.some((i) => i.startsWith(want)), `${want}: ${info.join(' | ')}`);
  });
});
