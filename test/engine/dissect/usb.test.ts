// Linux usbmon captures (LINKTYPE 189 and 220, `tcpdump -i usbmonN`)
// decode as tshark 4.0's usb: the URB header, a control transfer's setup
// packet, the completion matched to its submission, and the data; before,
// such files were one "Unknown" data blob.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outputDir } from '../../lib/env';
import { join } from 'node:path';
import { addressColumnsDiffer, craftedAgrees, tsharkSkip } from './compare';

const FIELDS = ['frame.protocols', 'frame.encap_type', 'usb.src', 'usb.dst', 'usb.addr', 'usb.urb_id', 'usb.urb_type', 'usb.transfer_type', 'usb.endpoint_address',
  'usb.endpoint_address.direction', 'usb.endpoint_address.number', 'usb.device_address', 'usb.bus_id', 'usb.setup_flag', 'usb.data_flag', 'usb.urb_ts_sec',
  'usb.urb_ts_usec', 'usb.urb_status', 'usb.urb_len', 'usb.data_len', 'usb.request_in', 'usb.time', 'usb.bInterfaceClass', 'usb.unused_setup_header',
  'usb.bmRequestType', 'usb.setup.bRequest', 'usb.DescriptorIndex', 'usb.bDescriptorType', 'usb.LanguageId', 'usb.setup.wValue', 'usb.setup.wIndex',
  'usb.setup.wLength', 'usb.bConfigurationValue', 'usb.iso.numdesc', 'usb.interval', 'usb.start_frame', 'usb.copy_of_transfer_flags', 'usb.capdata', '_ws.col.Protocol', '_ws.col.Info',
  '_ws.malformed'];

const le16 = (v: number): number[] => [v & 255, (v >> 8) & 255];
const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];

/** a usbmon record: the 48-byte header (64 when mapped), then the data */
function urb(o: { id: number; type: string; xfer: number; ep: number; status?: number; len: number; setup?: number[]; data?: number[]; usec: number; mapped: boolean }): number[] {
  const data = o.data ?? [];
  const setupFlag = o.setup ? 0 : 0x2d;
  const dataFlag = data.length ? 0 : o.type === 'S' && (o.ep & 0x80) ? 0x3c : 0x3e;
  const h = [...le32(o.id), 0x81, 0x88, 0xff, 0xff, o.type.charCodeAt(0), o.xfer, o.ep, 5, ...le16(1), setupFlag, dataFlag,
    ...le32(1_700_000_000), 0, 0, 0, 0, ...le32(o.usec), ...le32(o.status ?? (o.type === 'S' ? -115 : 0)), ...le32(o.len), ...le32(data.length),
    ...(o.setup ?? Array<number>(8).fill(0))];
  return [...h, ...(o.mapped ? [...le32(o.xfer === 1 ? 8 : 0), ...le32(0), ...le32(o.type === 'S' ? 0x200 : 0), ...le32(0)] : []), ...data];
}

function frames(mapped: boolean): number[][] {
  return [
    urb({ id: 0xaabbcc00, type: 'S', xfer: 2, ep: 0x80, len: 18, setup: [0x80, 6, 0, 1, 0, 0, 18, 0], usec: 10, mapped }),
    urb({ id: 0xaabbcc00, type: 'C', xfer: 2, ep: 0x80, len: 0, usec: 20, mapped }),
    urb({ id: 0xaabbcc01, type: 'S', xfer: 2, ep: 0x00, len: 0, setup: [0x00, 9, 1, 0, 0, 0, 0, 0], usec: 30, mapped }),
    urb({ id: 0xaabbcc01, type: 'C', xfer: 2, ep: 0x00, len: 0, usec: 40, mapped }),
    urb({ id: 0xaabbcc07, type: 'S', xfer: 2, ep: 0x80, len: 18, setup: [0x80, 6, 0, 2, 0, 0, 9, 0], usec: 45, mapped }),
    urb({ id: 0xaabbcc02, type: 'S', xfer: 3, ep: 0x81, len: 512, usec: 50, mapped }),
    urb({ id: 0xaabbcc02, type: 'C', xfer: 3, ep: 0x81, len: 4, data: [1, 2, 3, 4], usec: 60, mapped }),
    urb({ id: 0xaabbcc03, type: 'S', xfer: 1, ep: 0x02, len: 2, data: [0xaa, 0xbb], usec: 70, mapped }),
    urb({ id: 0xaabbcc04, type: 'C', xfer: 1, ep: 0x83, status: -32, len: 0, usec: 80, mapped }),
    urb({ id: 0xaabbcc00, type: 'S', xfer: 2, ep: 0x80, len: 255, setup: [0x80, 6, 2, 3, 9, 4, 255, 0], usec: 90, mapped }),
    urb({ id: 0xaabbcc05, type: 'S', xfer: 2, ep: 0x80, len: 1, setup: [0xc0, 0x33, 0, 0, 0, 0, 1, 0], usec: 95, mapped }),
    urb({ id: 0xaabbcc06, type: 'S', xfer: 2, ep: 0x80, len: 2, setup: [0x80, 0, 0, 0, 0, 0, 2, 0], usec: 97, mapped }),
    urb({ id: 1, type: 'S', xfer: 3, ep: 1, len: 0, usec: 99, mapped }).slice(0, 30),
  ];
}

test('usbmon: URB headers, setup packets and matched completions agree with tshark', { skip: tsharkSkip() }, () => {
  const r = craftedAgrees('usb-mmapped', frames(true), FIELDS, { seed: ['usb', 220], linkType: 220, damageFrom: 0 });
  assert.equal(r.theirs[0][0], 'usb');
  craftedAgrees('usb', frames(false), FIELDS, { seed: ['usb', 189], linkType: 189, damageFrom: 0 });
});

test('usbmon: a descriptor response is named as tshark names it (its fields are not decoded)', { skip: tsharkSkip() }, () => {
  const f = [
    urb({ id: 0xaabbcc07, type: 'S', xfer: 2, ep: 0x80, len: 9, setup: [0x80, 6, 0, 2, 0, 0, 9, 0], usec: 45, mapped: true }),
    urb({ id: 0xaabbcc07, type: 'C', xfer: 2, ep: 0x80, len: 9, data: [9, 2, 32, 0, 1, 1, 0, 0x80, 50], usec: 47, mapped: true }),
  ];
  craftedAgrees('usb-descriptor', f, ['frame.protocols', 'usb.request_in', 'usb.data_len', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'],
    { seed: ['usb-descriptor', 220], linkType: 220, damageFrom: 0 });
});

test('usb: the Source and Destination columns agree with tshark', { skip: tsharkSkip() }, () => {
  // the files the comparisons above wrote
  assert.deepEqual(addressColumnsDiffer(join(outputDir('dissect-compare'), 'usb-mmapped.pcap')), []);
  assert.deepEqual(addressColumnsDiffer(join(outputDir('dissect-compare'), 'usb.pcap')), []);
});
