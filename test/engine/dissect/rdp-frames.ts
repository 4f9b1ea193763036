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

// ---- past negotiation: T.125 MCS and T.124 GCC (MS-RDPBCGR 2.2.1.3-2.2.1.9, examples 4.1.3-4.1.9) ----

/** a BER length (short form, or long form with 1-2 bytes) */
const berLen = (n: number): number[] => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 255]);
const ber = (tag: number[], body: number[]): number[] => [...tag, ...berLen(body.length), ...body];
const berInt = (v: number): number[] => (v < 0x80 ? ber([2], [v]) : v < 0x8000 ? ber([2], [v >> 8, v & 255]) : ber([2], [0, (v >> 8) & 255, v & 255]));
/** an aligned PER length determinant (X.691 10.9: one byte below 128, else two with the top bit set) */
const perLen = (n: number): number[] => (n < 0x80 ? [n] : [0x80 | (n >> 8), n & 255]);
const utf16z = (s: string, bytes: number): number[] => {
  const b = Buffer.alloc(bytes);
  b.write(s, 'utf16le');
  return [...b];
};
const domainParams = (v: number[]): number[] => ber([0x30], v.flatMap(berInt));

const csCore = (name: string, w: number, h: number, layout: number, build: number, requested: number): number[] => {
  const body = [
    ...u32le(0x00080004), ...u16le(w), ...u16le(h), ...u16le(0xca01), ...u16le(0xaa03), ...u32le(layout), ...u32le(build),
    ...utf16z(name, 32), ...u32le(4), ...u32le(0), ...u32le(12), ...Array<number>(64).fill(0),
    ...u16le(0xca01), ...u16le(1), ...u32le(0), ...u16le(24), ...u16le(0x000f), ...u16le(0x0001),
    ...Array<number>(64).fill(0), 0, 0, ...u32le(requested),
  ];
  return [...u16le(0xc001), ...u16le(4 + body.length), ...body];
};
const csSecurity = (methods: number): number[] => [...u16le(0xc002), ...u16le(12), ...u32le(methods), ...u32le(0)];
const csNet = (channels: Array<[string, number]>): number[] => {
  const defs = channels.flatMap(([n, opts]) => [...[...Buffer.from(n.padEnd(8, '\0').slice(0, 8), 'latin1')], ...u32le(opts)]);
  return [...u16le(0xc003), ...u16le(8 + defs.length), ...u32le(channels.length), ...defs];
};
const csCluster = (flags: number): number[] => [...u16le(0xc004), ...u16le(12), ...u32le(flags), ...u32le(0)];

/** GCC Conference Create Request (T.124 PER) around the client data blocks; h221 key "Duca" */
const gccCreateRequest = (blocks: number[], flags = 0x10, termination = 0x00): number[] => {
  const pdu = [0x00, 0x08, 0x00, flags, termination, 0x01, 0xc0, 0x00, ...ascii('Duca'), ...perLen(blocks.length), ...blocks];
  return [0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01, ...perLen(pdu.length), ...pdu];
};
/** GCC Conference Create Response around the server data blocks; h221 key "McDn" */
const gccCreateResponse = (blocks: number[], result = 0): number[] => {
  const pdu = [0x14, 0x76, 0x0a, 0x01, 0x01, result << 4, 0x01, 0xc0, 0x00, ...ascii('McDn'), ...perLen(blocks.length), ...blocks];
  return [0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01, ...perLen(pdu.length), ...pdu];
};

const connectInitial = (userData: number[]): number[] => ber([0x7f, 0x65], [
  ...ber([4], [1]), ...ber([4], [1]), ...ber([1], [0xff]),
  ...domainParams([34, 2, 0, 1, 0, 1, 65535, 2]), ...domainParams([1, 1, 1, 1, 0, 1, 1056, 2]), ...domainParams([65535, 64535, 65535, 1, 0, 1, 65535, 2]),
  ...ber([4], userData),
]);
const connectResponse = (userData: number[]): number[] => ber([0x7f, 0x66], [
  ...ber([0x0a], [0]), ...berInt(0), ...domainParams([34, 3, 0, 1, 0, 1, 65528, 2]), ...ber([4], userData),
]);

const scCore = (requested: number): number[] => [...u16le(0x0c01), ...u16le(12), ...u32le(0x00080004), ...u32le(requested)];
const scSecurity = (method: number, level: number): number[] => [...u16le(0x0c02), ...u16le(12), ...u32le(method), ...u32le(level)];
const scNet = (io: number, ids: number[]): number[] => {
  const body = [...u16le(io), ...u16le(ids.length), ...ids.flatMap(u16le), ...(ids.length % 2 ? [0, 0] : [])];
  return [...u16le(0x0c03), ...u16le(4 + body.length), ...body];
};

/** DomainMCSPDU choices, aligned PER (T.125 §7): the choice index in the top six bits */
const erectDomain = [0x04, 0x01, 0x00, 0x01, 0x00];
const attachUserRequest = [0x28];
const attachUserConfirm = (user: number): number[] => [0x2e, 0x00, ...u16(user - 1001)];
const channelJoinRequest = (user: number, channel: number): number[] => [0x38, ...u16(user - 1001), ...u16(channel)];
const channelJoinConfirm = (user: number, channel: number): number[] => [0x3e, 0x00, ...u16(user - 1001), ...u16(channel), ...u16(channel)];
const sendDataRequest = (user: number, channel: number, data: number[]): number[] => [0x64, ...u16(user - 1001), ...u16(channel), 0x70, ...perLen(data.length), ...data];

/** Client Info PDU (2.2.1.11) sent in the clear: security header SEC_INFO_PKT, no encryption (ENCRYPTION_LEVEL_NONE) */
const clientInfo = (domain: string, user: string): number[] => {
  const z = (s: string): number[] => [...Buffer.from(s + '\0', 'utf16le')];
  const body = [
    ...u32le(0), ...u32le(0x00000033 | 0x00000100), ...u16le(domain.length * 2), ...u16le(user.length * 2), ...u16le(0), ...u16le(0), ...u16le(0),
    ...z(domain), ...z(user), ...z(''), ...z(''), ...z(''),
    // extended info (2.2.1.11.1.1.1): address family, client address and directory, time zone, session id, performance flags
    ...u16le(2), ...u16le(z('198.18.9.1').length), ...z('198.18.9.1'), ...u16le(z('C:\\rdp').length), ...z('C:\\rdp'),
    ...Array<number>(172).fill(0), ...u32le(0), ...u32le(0x07), ...u16le(0), ...u16le(0), ...u16le(0),
  ];
  return [...u16le(0x0040), ...u16le(0), ...body];
};

export const RDP_MCS_CONVERSATION: Array<[boolean, number[]]> = [
  [true, cr('alice', 0x00)],
  [false, cc(2, 0x00, 0x00000000)],
  [true, dt(connectInitial(gccCreateRequest([
    ...csCore('WORKSTATION7', 1280, 1024, 0x00000409, 19041, 0), ...csSecurity(0x1b),
    ...csNet([['rdpdr', 0x80800000], ['rdpsnd', 0xc0000000], ['cliprdr', 0xc0a00000]]), ...csCluster(0x0d),
  ])))],
  [false, dt(connectResponse(gccCreateResponse([...scCore(0), ...scSecurity(0, 0), ...scNet(1003, [1004, 1005, 1006])])))],
  [true, dt(erectDomain)],
  [true, dt(attachUserRequest)],
  [false, dt(attachUserConfirm(1007))],
  [true, dt(channelJoinRequest(1007, 1007))],
  [false, dt(channelJoinConfirm(1007, 1007))],
  [true, dt(channelJoinRequest(1007, 1003))],
  [false, dt(channelJoinConfirm(1007, 1003))],
  [true, dt(sendDataRequest(1007, 1003, clientInfo('CORP', 'alice')))],
  [false, dt([0x68, ...u16(1002 - 1001), ...u16(1003), 0x70, ...perLen(20), ...u16le(0x0008), ...u16le(0), ...Array<number>(16).fill(0x5a)])],
  [true, dt(sendDataRequest(1007, 1004, [...u32le(8), ...u32le(3), 1, 2, 3, 4, 5, 6, 7, 8]))],
  [true, dt([0x21, 0x80])],
];

/** The same start with the conference flags set (locked, listed, conductible; manual termination) and a refused GCC result */
export const RDP_GCC_FLAGS_CONVERSATION: Array<[boolean, number[]]> = [
  [true, cr('bob', 0x03)],
  [false, cc(2, 0x00, 0x00000000)],
  [true, dt(connectInitial(gccCreateRequest([...csCore('W', 800, 600, 0x0407, 7601, 3), ...csSecurity(0x03)], 0x1e, 0x80)))],
  [false, dt(connectResponse(gccCreateResponse([...scCore(3), ...scSecurity(0, 0)], 1)))],
];
