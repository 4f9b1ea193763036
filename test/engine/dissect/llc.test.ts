// IEEE 802.2 LLC as tshark 4.0 shows it: the control field's I, S and U
// formats (before, every control byte was read as an I frame: "I, N(R)=1"
// for a UI frame), the SAP names, poll/final, and SNAP with its OUI text and
// the PID field tshark names after the OUI (llc.type for an ethertype).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { craftedAgrees, tsharkSkip } from './compare';
import { dnsQuery, eth, ipv4, udp } from './packets';

const FIELDS = ['frame.protocols', 'eth.len', 'llc.dsap', 'llc.dsap.sap', 'llc.dsap.ig', 'llc.ssap', 'llc.ssap.sap', 'llc.ssap.cr', 'llc.control',
  'llc.control.n_r', 'llc.control.n_s', 'llc.control.p', 'llc.control.f', 'llc.control.s_ftype', 'llc.control.u_modifier_cmd',
  'llc.control.u_modifier_resp', 'basicxid.llc.xid.format', 'basicxid.llc.xid.types', 'basicxid.llc.xid.wsize', 'llc.type', 'llc.oui', 'llc.pid', 'llc.cisco_pid', 'data.len', 'ip.src', 'dns.qry.name', 'eth.padding',
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

/** An 802.3 frame: the length field counts the LLC PDU; padded to the 60-byte minimum as on the wire. */
function dot3(pdu: number[], pad = true): number[] {
  const f = eth(pdu.length, pdu);
  while (pad && f.length < 60) f.push(0);
  return f;
}
const snapHdr = (oui: number, pid: number, control = 0x03): number[] => [0xaa, 0xaa, control, oui >> 16, (oui >> 8) & 255, oui & 255, pid >> 8, pid & 255];
const dns = udp(53000, 53, dnsQuery(0x0102, 'llc.example'));

test('LLC: I, S and U control fields, SAP names and SNAP agree with tshark', { skip: tsharkSkip() }, () => {
  const f = [
    // SNAP, OUI 0, an ethertype nobody dissects (tshark: "U, func=UI; SNAP, OUI 0x000000 (Officially Xerox…), PID 0x1234")
    dot3([...snapHdr(0, 0x1234), ...Array(40).fill(0)]),
    // SNAP, OUI 0, IPv4: the PID is an ethertype
    dot3([...snapHdr(0, 0x0800), ...ipv4('198.18.0.1', '198.18.0.2', 17, dns)]),
    // SNAP with Cisco's OUI (llc.cisco_pid) and with an unknown OUI (llc.pid)
    dot3([...snapHdr(0x00000c, 0x1111), 1, 2, 3]),
    dot3([...snapHdr(0x123456, 0xabcd), 1, 2, 3]),
    // SNAP in a TEST frame: not information, so the payload is data
    dot3([...snapHdr(0, 0x0800, 0xf3), ...ipv4('198.18.0.1', '198.18.0.2', 17, dns)]),
    // TEST command with poll, NULL SAPs
    dot3([0x00, 0x00, 0xf3, 1, 2, 3]),
    // TEST response with final (SSAP C/R bit), group DSAP
    dot3([0x01, 0x01, 0xf3]),
    // XID command whose payload is not the basic format, UA response, DISC, SABME with poll, FRMR response
    dot3([0x86, 0x86, 0xaf, 0x82, 0x00]),
    dot3([0x86, 0x87, 0x63]),
    dot3([0x86, 0x86, 0x43]),
    dot3([0x86, 0x86, 0x7f]),
    dot3([0x86, 0x87, 0x87, 9, 9, 9]),
    // XID in the basic format (command and response, with P/F), and one cut inside it
    dot3([0x00, 0x01, 0xbf, 0x81, 0x01, 0x00]),
    dot3([0x86, 0x87, 0xaf, 0x81, 0x03, 0x0e]),
    eth(5, [0x86, 0x86, 0xaf, 0x81, 0x01]),
    // an unknown SAP pair in hex, UI with a payload
    dot3([0x12, 0x34, 0x03, 0xde, 0xad]),
    // SNAP cut inside its OUI/PID
    dot3([0xaa, 0xaa, 0x03, 0x00, 0x00], false),
    // only the SAPs: the control byte is missing
    eth(2, [0x42, 0x42]),
  ];
  const r = craftedAgrees('llc', f, [...FIELDS, 'llc.control.ftype'], { seed: ['llc', 0x802] });
  assert.equal(r.theirs[0][FIELDS.indexOf('_ws.col.Info')], 'U, func=UI; SNAP, OUI 0x000000 (Officially Xerox, but 0:0:0:0:0:0 is more common), PID 0x1234');
  assert.equal(r.theirs[5][FIELDS.indexOf('_ws.col.Info')], 'U P, func=TEST; DSAP NULL LSAP Individual, SSAP NULL LSAP Command');
});

test('LLC: I and S frames (the two-byte control field) agree with tshark', { skip: tsharkSkip() }, () => {
  // tshark 4.0 gives llc.control.ftype two widths: 8 bits in U frames ("0x03"), 16 in I and S
  // frames ("0x0000"); ours has one per name (the U frames' one), so it is compared on U frames only
  const fields = FIELDS;
  const f = [
    dot3([0x86, 0x86, 0x0a, 0x05, 1, 2]), // I, N(R)=2, N(S)=5
    dot3([0x86, 0x86, 0x0a, 0x05 | 1]), // I P
    dot3([0x86, 0x86, 0x01, 0x07]), // S, func=RR, N(R)=3
    dot3([0x86, 0x87, 0x05, 0x09]), // S F, func=RNR (a response)
    dot3([0x86, 0x86, 0x09, 0x01]), // S P, func=REJ
    dot3([0x86, 0x86, 0x0d, 0xff]), // SREJ
    eth(3, [0x86, 0x86, 0x0a]), // I frame cut after its first control byte
  ];
  craftedAgrees('llc-is', f, fields, { seed: ['llc-is', 0x802] });
});
