// Hand-built RDP connection starts and VNC (RFB 3.8) handshakes, from the
// specifications (MS-RDPBCGR 2.2.1.1-2.2.1.2 over X.224/TPKT; RFC 6143
// §7.1-7.3): what tpkt/cotp/rdp and vnc are compared with tshark on.
const u16 = (v: number): number[] => [(v >> 8) & 255, v & 255];
const u16le = (v: number): number[] => [v & 255, (v >> 8) & 255];
const u32 = (v: number): number[] => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const u32le = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255];
const ascii = (s: string): number[] => [...Buffer.from(s, 'latin1')];

const tpkt = (body: number[]): number[] => [3, 0, ...u16(4 + body.length), ...body];
/** X.224 Connection Request: LI, CR (0xe0), dst-ref, src-ref, class 0, then the RDP cookie and negotiation request */
const cr = (cookie: string | null, requested: number | null, flags = 0): number[] => {
  const rest = [...(cookie !== null ? ascii(`Cookie: mstshash=${cookie}\r\n`) : []), ...(requested !== null ? [1, flags, ...u16le(8), ...u32le(requested)] : [])];
  return tpkt([6 + rest.length, 0xe0, 0, 0, 0, 0, 0, ...rest]);
};
/** X.224 Connection Confirm with an RDP negotiation response (type 2) or failure (type 3) */
const cc = (type: 2 | 3, flags: number, value: number): number[] => tpkt([14, 0xd0, 0, 0, 0x12, 0x34, 0, type, flags, ...u16le(8), ...u32le(value)]);
const dt = (payload: number[]): number[] => tpkt([2, 0xf0, 0x80, ...payload]);
const dr = (): number[] => tpkt([6, 0x80, 0, 0, 0x12, 0x34, 0]);

export const RDP_CONVERSATIONS: Array<Array<[boolean, number[]]>> = [
  [[true, cr('alice', 0x0b)], [false, cc(2, 0x1f, 0x00000002)]],
  [[true, cr('Administrator', 0x01, 0x01)], [false, cc(3, 0, 0x00000005)]],
  [[true, cr(null, 0x00)], [false, cc(2, 0x00, 0x00000000)], [true, dt([0x7f, 0x65, 0x03, 0x04, 0x01, 0x01])], [false, dr()]],
  [[true, cr('bob', null)], [false, tpkt([6, 0xd0, 0, 0, 0x12, 0x34, 0])]],
];

const rfb = (s: string): number[] => ascii(s);
const pixelFormat = [32, 24, 0, 1, ...u16(255), ...u16(255), ...u16(255), 16, 8, 0, 0, 0, 0];
const serverInit = (name: string): number[] => [...u16(1024), ...u16(768), ...pixelFormat, ...u32(name.length), ...ascii(name)];

export const VNC_CONVERSATIONS: Array<Array<[boolean, number[]]>> = [
  [
    [false, rfb('RFB 003.008\n')], [true, rfb('RFB 003.008\n')],
    [false, [2, 2, 1]], [true, [2]],
    [false, Array.from({ length: 16 }, (_, i) => i * 7)], [true, Array.from({ length: 16 }, (_, i) => 255 - i)],
    [false, u32(0)], [true, [1]], [false, serverInit('xs desktop')],
  ],
  [
    [false, rfb('RFB 003.008\n')], [true, rfb('RFB 003.008\n')],
    [false, [1, 2]], [true, [2]],
    [false, Array.from({ length: 16 }, (_, i) => i)], [true, Array.from({ length: 16 }, (_, i) => i + 1)],
    [false, [...u32(1), ...u32(21), ...ascii('Authentication failed')]],
  ],
  [
    [false, rfb('RFB 003.003\n')], [true, rfb('RFB 003.003\n')],
    [false, u32(1)], [true, [0]], [false, serverInit('old')],
  ],
];
export const RDP_MESSAGES = RDP_CONVERSATIONS[0];
export const VNC_MESSAGES = VNC_CONVERSATIONS[0];
