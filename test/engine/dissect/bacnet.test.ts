// BACnet/IP built from ANSI/ASHRAE 135 (no peer is packaged): who-Is and
// i-Am broadcasts, readProperty and its Complex-ACK, writeProperty and its
// Simple-ACK, an Error, reinitializeDevice, a routed NPDU (destination
// network and hop count), a Forwarded-NPDU, a network-layer message, a
// Reject and a cut APDU — compared cell by cell with tshark.
import { test } from 'node:test';
import { tsharkSkip, craftedAgrees } from './compare';
import { eth, ipv4, udp } from './packets';

const C = '198.18.0.1', S = '198.18.0.2', B = '198.18.0.255';
const bv = (fn: number, npdu: number[]): number[] => [0x81, fn, (4 + npdu.length) >> 8, (4 + npdu.length) & 255, ...npdu];
const dg = (src: string, dst: string, p: number[]): number[] => eth(0x0800, ipv4(src, dst, 17, udp(47808, 47808, p)));

function frames(): number[][] {
  return [
    dg(C, B, bv(0x0b, [1, 0x20, 0xff, 0xff, 0, 0xff, 0x10, 0x08])),
    dg(S, B, bv(0x0b, [1, 0x00, 0x10, 0x00, 0xc4, 0x02, 0x00, 0x00, 0x01, 0x22, 0x01, 0xe0, 0x91, 0x00, 0x21, 0x0f])),
    dg(C, S, bv(0x0a, [1, 0x04, 0x00, 0x05, 0x01, 0x0c, 0x0c, 0x02, 0x00, 0x00, 0x01, 0x19, 0x4d])),
    dg(S, C, bv(0x0a, [1, 0x00, 0x30, 0x01, 0x0c, 0x0c, 0x02, 0x00, 0x00, 0x01, 0x19, 0x4d, 0x3e, 0x75, 0x04, 0x00, 0x41, 0x42, 0x43, 0x3f])),
    dg(C, S, bv(0x0a, [1, 0x04, 0x00, 0x05, 0x02, 0x0f, 0x0c, 0x00, 0x40, 0x00, 0x03, 0x19, 0x55, 0x3e, 0x44, 0x3f, 0x80, 0, 0, 0x3f, 0x49, 0x08])),
    dg(S, C, bv(0x0a, [1, 0x00, 0x20, 0x02, 0x0f])),
    dg(S, C, bv(0x0a, [1, 0x00, 0x50, 0x03, 0x0f, 0x91, 0x02, 0x91, 0x20])),
    dg(C, S, bv(0x0a, [1, 0x04, 0x00, 0x05, 0x04, 0x14, 0x09, 0x01])),
    // routed to network 5, MAC 0x21, hop count 255: readProperty of binary-value 7 status-flags
    dg(C, S, bv(0x0a, [1, 0x24, 0x00, 0x05, 1, 0x21, 0xff, 0x00, 0x05, 0x05, 0x0c, 0x0c, 0x01, 0x40, 0x00, 0x07, 0x19, 0x6f])),
    // forwarded by a BBMD from 198.18.0.9:47808
    dg(S, B, bv(0x04, [198, 18, 0, 9, 0xba, 0xc0, 1, 0x00, 0x10, 0x08])),
    // network layer: Who-Is-Router-To-Network
    dg(C, B, bv(0x0b, [1, 0x80, 0x00])),
    // Reject (unrecognized service), then an APDU cut short
    dg(S, C, bv(0x0a, [1, 0x00, 0x60, 0x06, 0x09])),
    dg(C, S, bv(0x0a, [1, 0x04, 0x00, 0x05])),
  ];
}

const FIELDS = ['frame.protocols', 'bvlc.type', 'bvlc.function', 'bvlc.length', 'bvlc.fwd_ip', 'bvlc.fwd_port', 'bacnet.version', 'bacnet.control',
  'bacnet.control_net', 'bacnet.control_dest', 'bacnet.control_src', 'bacnet.control_expect', 'bacnet.dnet', 'bacnet.dlen', 'bacnet.hopc', 'bacnet.mesgtyp',
  'bacapp.type', 'bacapp.segmented_request', 'bacapp.SA', 'bacapp.max_adpu_size', 'bacapp.response_segments', 'bacapp.invoke_id',
  'bacapp.confirmed_service', 'bacapp.unconfirmed_service', 'bacapp.objectType', 'bacapp.instance_number', 'bacapp.property_identifier',
  'bacapp.error_class', 'bacapp.error_code', 'bacapp.reject_reason', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];

test('BACnet/IP agrees with tshark field by field', { skip: tsharkSkip() }, () => {
  craftedAgrees('bacnet', frames(), FIELDS, { seed: ['bacnet-damage', 47808] });
});
