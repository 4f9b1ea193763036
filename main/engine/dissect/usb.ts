// Linux usbmon captures (LINKTYPE_USB_LINUX 189: 48-byte header;
// USB_LINUX_MMAPPED 220: 64 bytes): what `tcpdump -i usbmonN` writes. The
// URB header (id, submit/complete, transfer type, endpoint, device, bus,
// times, status, lengths), a control transfer's setup packet with the
// standard requests' names, the completion matched to its submission
// (usb.request_in, usb.time), and the data as usb.capdata. As packet-usb.c
// in tshark 4.0, with the header in the capturing host's (little-endian)
// byte order. Descriptors in control responses and class protocols (HID,
// mass storage…) are not decoded.
import { ADDR_TEXT, type Ctx, type FieldNode } from './context';
import { declare, HEX8, HEX16, HEX32 } from './fields';
import { ranOut } from './ranout';
import type { State } from './state';
import { LINKTYPE } from './tables';
import { u16le, u32le } from './bytes';

const TRANSFER = ['URB_ISOCHRONOUS', 'URB_INTERRUPT', 'URB_CONTROL', 'URB_BULK'];

/** standard requests (USB 2.0 table 9-4), as tshark names them in Info */
const REQUESTS: Record<number, string> = {
  0: 'GET STATUS', 1: 'CLEAR FEATURE', 3: 'SET FEATURE', 5: 'SET ADDRESS', 6: 'GET DESCRIPTOR', 7: 'SET DESCRIPTOR',
  8: 'GET CONFIGURATION', 9: 'SET CONFIGURATION', 10: 'GET INTERFACE', 11: 'SET INTERFACE', 12: 'SYNCH FRAME', 48: 'SET SEL', 49: 'SET ISOCH DELAY',
};
const DESCRIPTORS: Record<number, string> = {
  1: 'DEVICE', 2: 'CONFIGURATION', 3: 'STRING', 4: 'INTERFACE', 5: 'ENDPOINT', 6: 'DEVICE QUALIFIER', 7: 'OTHER SPEED CONFIG',
  8: 'INTERFACE POWER', 9: 'OTG', 10: 'DEBUG', 11: 'INTERFACE ASSOCIATION', 15: 'BOS', 16: 'DEVICE CAPABILITY', 33: 'HID', 34: 'HID REPORT',
  36: 'DFU FUNCTIONAL', 41: 'HUB', 42: 'SUPERSPEED HUB', 48: 'SUPERSPEED ENDPOINT COMPANION',
};

declare('usb', 'USB URB', [
  ['usb.src', 'string', 'Source'],
  ['usb.dst', 'string', 'Destination'],
  ['usb.addr', 'string', 'Source or Destination'],
  ['usb.urb_id', 'uint', 'URB id', { base: 'hex', hexDigits: 16 }],
  ['usb.urb_type', 'string', 'URB type'],
  ['usb.transfer_type', 'uint', 'URB transfer type', { ...HEX8, valueNames: { 0: 'URB_ISOCHRONOUS', 1: 'URB_INTERRUPT', 2: 'URB_CONTROL', 3: 'URB_BULK' } }],
  ['usb.endpoint_address', 'uint', 'Endpoint', HEX8],
  ['usb.endpoint_address.direction', 'uint', 'Direction', { valueNames: { 0: 'OUT', 1: 'IN' } }],
  ['usb.endpoint_address.number', 'uint', 'Endpoint number'],
  ['usb.device_address', 'uint', 'Device'],
  ['usb.bus_id', 'uint', 'URB bus id'],
  ['usb.setup_flag', 'string', 'Device setup request'],
  ['usb.data_flag', 'string', 'Data'],
  ['usb.urb_ts_sec', 'uint', 'URB sec'],
  ['usb.urb_ts_usec', 'uint', 'URB usec'],
  ['usb.urb_status', 'int', 'URB status'],
  ['usb.urb_len', 'uint', 'URB length [bytes]'],
  ['usb.data_len', 'uint', 'Data length [bytes]'],
  ['usb.request_in', 'framenum', 'Request in'],
  ['usb.time', 'reltime', 'Time from request'],
  ['usb.bInterfaceClass', 'uint', 'bInterfaceClass', HEX8],
  ['usb.unused_setup_header', 'none', 'Unused Setup Header'],
  ['usb.bmRequestType', 'uint', 'bmRequestType', HEX8],
  ['usb.bmRequestType.direction', 'bool', 'Direction'],
  ['usb.bmRequestType.type', 'uint', 'Type', HEX8],
  ['usb.bmRequestType.recipient', 'uint', 'Recipient', HEX8],
  ['usb.setup.bRequest', 'uint', 'bRequest', { valueNames: REQUESTS }],
  ['usb.DescriptorIndex', 'uint', 'Descriptor Index', HEX8],
  ['usb.bDescriptorType', 'uint', 'bDescriptorType', { ...HEX8, valueNames: DESCRIPTORS }],
  ['usb.LanguageId', 'uint', 'Language Id', HEX16],
  ['usb.setup.wValue', 'uint', 'wValue', HEX16],
  ['usb.bConfigurationValue', 'uint', 'bConfigurationValue'],
  ['usb.setup.wIndex', 'uint', 'wIndex'],
  ['usb.setup.wLength', 'uint', 'wLength'],
  ['usb.iso.error_count', 'uint', 'ISO error count'],
  ['usb.iso.numdesc', 'uint', 'Number of ISO descriptors'],
  ['usb.interval', 'uint', 'Interval'],
  ['usb.start_frame', 'uint', 'Start frame'],
  ['usb.copy_of_transfer_flags', 'uint', 'Copy of Transfer Flags', HEX32],
  ['usb.capdata', 'bytes', 'Leftover Capture Data'],
]);

/** FT_CHAR as tshark prints it: the character quoted, C escapes for the unprintable */
function charText(c: number): string {
  if (c === 0) return "'\\0'";
  if (c >= 0x20 && c < 0x7f) return c === 0x27 || c === 0x5c ? `'\\${String.fromCharCode(c)}'` : `'${String.fromCharCode(c)}'`;
  return `'\\x${c.toString(16).padStart(2, '0')}'`;
}

/** A submission, for its completion's usb.request_in and usb.time (and the request's name). */
interface Submitted { frame: number; ts: bigint | null; request: string }
/** submissions per dissector state, by bus and URB id; at most this many (the oldest go first) */
const MAX_URBS = 4096;
const submitted = new WeakMap<State, Map<string, Submitted>>();

function dissectUsb(ctx: Ctx, st: State, off: number, end: number, hlen: 48 | 64): void {
  const d = ctx.d;
  const l = ctx.layer('usb', off, Math.min(hlen, end - off));
  ctx.setSummary('USB', '');
  // tshark adds the header's fields one by one: a cut header keeps those before the cut
  const cut = (at: number, n: number): boolean => {
    if (off + at + n <= end) return false;
    ranOut(ctx, 'usb', `usbmon header cut short (${end - off} of ${hlen} bytes)`, off + at, n);
    return true;
  };
  if (cut(0, 16)) return;
  const id = BigInt.asUintN(64, (BigInt(u32le(d, off + 4)) << 32n) | BigInt(u32le(d, off)));
  const type = d[off + 8], xfer = d[off + 9], ep = d[off + 10], dev = d[off + 11], bus = u16le(d, off + 12);
  const setupFlag = d[off + 14], dataFlag = d[off + 15];
  const submit = type === 0x53; // 'S'
  const dirIn = (ep & 0x80) !== 0;
  ctx.info = `${TRANSFER[xfer] ?? 'URB_UNKNOWN'} ${dirIn ? 'in' : 'out'}`;
  // tshark's usb.src/usb.dst: the host, and bus.device.endpoint
  const devAddr = `${bus}.${dev}.${ep & 0x7f}`;
  const [src, dst] = submit ? ['host', devAddr] : [devAddr, 'host'];
  if (ctx.d === ctx.pkt.data) { ctx.srcKind = ADDR_TEXT; ctx.src = src; ctx.dstKind = ADDR_TEXT; ctx.dst = dst; }
  ctx.add(l, 'usb.src', src, off, 0).generated = true;
  ctx.add(l, 'usb.dst', dst, off, 0).generated = true;
  ctx.hidden('usb.addr', src, off, 0);
  ctx.hidden('usb.addr', dst, off, 0);
  ctx.add(l, 'usb.urb_id', id, off, 8);
  ctx.add(l, 'usb.urb_type', charText(type), off + 8, 1);
  ctx.add(l, 'usb.transfer_type', xfer, off + 9, 1);
  const e = ctx.add(l, 'usb.endpoint_address', ep, off + 10, 1);
  ctx.sub(e, 'usb.endpoint_address.direction', ep >> 7, off + 10, 1);
  ctx.sub(e, 'usb.endpoint_address.number', ep & 0x0f, off + 10, 1);
  ctx.add(l, 'usb.device_address', dev, off + 11, 1);
  ctx.add(l, 'usb.bus_id', bus, off + 12, 2);
  ctx.add(l, 'usb.setup_flag', charText(setupFlag), off + 14, 1);
  ctx.add(l, 'usb.data_flag', charText(dataFlag), off + 15, 1);
  if (cut(16, 8)) return;
  const sec = (BigInt(u32le(d, off + 20)) << 32n) | BigInt(u32le(d, off + 16));
  ctx.add(l, 'usb.urb_ts_sec', sec, off + 16, 8);
  if (cut(24, 4)) return;
  ctx.add(l, 'usb.urb_ts_usec', u32le(d, off + 24), off + 24, 4);
  if (cut(28, 4)) return;
  ctx.add(l, 'usb.urb_status', u32le(d, off + 28) | 0, off + 28, 4);
  if (cut(32, 4)) return;
  ctx.add(l, 'usb.urb_len', u32le(d, off + 32), off + 32, 4);
  if (cut(36, 4)) return;
  const dataLen = u32le(d, off + 36);
  ctx.add(l, 'usb.data_len', dataLen, off + 36, 4);
  if (cut(40, hlen - 40)) return;

  let table = submitted.get(st);
  if (table === undefined) { table = new Map(); submitted.set(st, table); }
  const key = `${bus}:${id}`;
  let request = '';
  if (!submit) {
    const s = table.get(key);
    if (s !== undefined) {
      ctx.gen(l, 'usb.request_in', s.frame);
      if (s.ts !== null && ctx.pkt.tsNs !== null) ctx.reltime(l, 'usb.time', ctx.pkt.tsNs - s.ts);
      request = s.request;
    }
  }
  const setup = xfer === 2 && submit && setupFlag === 0;
  // the interface's class is not known from a capture's start: tshark's "unknown" (0xff) for all but standard control requests
  if (xfer !== 2 || (setup && ((d[off + 40] >> 5) & 3) !== 0)) ctx.gen(l, 'usb.bInterfaceClass', 0xff);
  if (setup) request = setupPacket(ctx, l, off + 40);
  else if (xfer === 0) {
    ctx.add(l, 'usb.iso.error_count', u32le(d, off + 40), off + 40, 4);
    ctx.add(l, 'usb.iso.numdesc', u32le(d, off + 44), off + 44, 4);
  } else ctx.add(l, 'usb.unused_setup_header', null, off + 40, 8);
  if (hlen === 64) {
    ctx.add(l, 'usb.interval', u32le(d, off + 48), off + 48, 4);
    ctx.add(l, 'usb.start_frame', u32le(d, off + 52), off + 52, 4);
    ctx.add(l, 'usb.copy_of_transfer_flags', u32le(d, off + 56), off + 56, 4);
    ctx.add(l, 'usb.iso.numdesc', u32le(d, off + 60), off + 60, 4);
  }
  if (submit) {
    if (table.size >= MAX_URBS) table.delete(table.keys().next().value as string);
    table.set(key, { frame: ctx.pkt.number, ts: ctx.pkt.tsNs, request });
  }
  // a response names its descriptor type only when it carries one
  if (xfer === 2 && request !== '') ctx.info = requestInfo(request, submit || dataLen > 0, submit);
  const data = off + hlen;
  // control transfers' data (descriptors) is not decoded: shown only for the other transfer types
  if (xfer !== 2 && data < end) ctx.add(l, 'usb.capdata', d.subarray(data, end), data, end - data);
}

/** "GET DESCRIPTOR Request DEVICE": the descriptor type goes after Request/Response */
function requestInfo(request: string, withType: boolean, submit: boolean): string {
  const sp = request.indexOf('|');
  const [name, tail] = sp < 0 ? [request, ''] : [request.slice(0, sp), request.slice(sp + 1)];
  return `${name} ${submit ? 'Request' : 'Response'}${tail && withType ? ' ' + tail : ''}`;
}

/** the setup packet; returns the request's name for Info ("" for class and vendor requests) */
function setupPacket(ctx: Ctx, l: FieldNode, o: number): string {
  const d = ctx.d;
  const rt = d[o], req = d[o + 1];
  const f = ctx.add(l, 'usb.bmRequestType', rt, o, 1);
  ctx.sub(f, 'usb.bmRequestType.direction', (rt & 0x80) !== 0, o, 1);
  ctx.sub(f, 'usb.bmRequestType.type', (rt >> 5) & 3, o, 1);
  ctx.sub(f, 'usb.bmRequestType.recipient', rt & 0x1f, o, 1);
  const standard = ((rt >> 5) & 3) === 0;
  ctx.add(l, 'usb.setup.bRequest', req, o + 1, 1);
  let name = standard ? REQUESTS[req] ?? '' : '';
  if (standard && req === 6) {
    ctx.add(l, 'usb.DescriptorIndex', d[o + 2], o + 2, 1);
    ctx.add(l, 'usb.bDescriptorType', d[o + 3], o + 3, 1);
    ctx.add(l, 'usb.LanguageId', u16le(d, o + 4), o + 4, 2);
    name += `|${DESCRIPTORS[d[o + 3]] ?? `Unknown type 0x${d[o + 3].toString(16).padStart(2, '0')}`}`;
  } else if (standard && req === 9) {
    ctx.add(l, 'usb.bConfigurationValue', d[o + 2], o + 2, 1);
    ctx.add(l, 'usb.setup.wIndex', u16le(d, o + 4), o + 4, 2);
  } else {
    ctx.add(l, 'usb.setup.wValue', u16le(d, o + 2), o + 2, 2);
    ctx.add(l, 'usb.setup.wIndex', u16le(d, o + 4), o + 4, 2);
  }
  ctx.add(l, 'usb.setup.wLength', u16le(d, o + 6), o + 6, 2);
  return name;
}

LINKTYPE.add(189, (ctx, st, off, end) => dissectUsb(ctx, st, off, end, 48));
LINKTYPE.add(220, (ctx, st, off, end) => dissectUsb(ctx, st, off, end, 64));
