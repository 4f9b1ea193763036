// Hand-built PPP and Cisco HDLC frames for the ppp tests.
import { ascii, dnsQuery, ipv4, ipv6, tcp, udp, u16, u32 } from './packets';

const dnsV4 = ipv4('198.18.0.1', '198.18.0.2', 17, udp(53002, 53, dnsQuery(0x0303, 'ppp.example')));
const synV6 = ipv6(6, tcp(40002, 22, 1, 0, 0x02));

/** a control protocol packet: code, identifier, length, body */
const cp = (code: number, id: number, body: number[], len = 4 + body.length): number[] => [code, id, ...u16(len), ...body];
const opt = (type: number, v: number[]): number[] => [type, 2 + v.length, ...v];
const pstr = (s: string): number[] => [s.length, ...ascii(s)];

const lcpOpts = [...opt(1, u16(1500)), ...opt(2, u32(0)), ...opt(3, u16(0xc023)), ...opt(5, u32(0x1a2b3c4d)), ...opt(7, []), ...opt(8, [])];

/** PPP frames (LINKTYPE_PPP / PPP_HDLC): IP, IPv6, LCP, IPCP, IPV6CP, PAP, CHAP */
export function pppFrames(): number[][] {
  const hdlc = (proto: number, body: number[]): number[] => [0xff, 0x03, ...u16(proto), ...body];
  return [
    hdlc(0x0021, dnsV4),
    [...u16(0x0057), ...synV6],
    hdlc(0xc021, cp(1, 1, lcpOpts)),
    hdlc(0xc021, cp(2, 1, lcpOpts)),
    hdlc(0xc021, cp(3, 2, opt(1, u16(1400)))),
    hdlc(0xc021, cp(4, 3, opt(13, [6]))),
    hdlc(0xc021, cp(5, 4, ascii('User request'))),
    hdlc(0xc021, cp(6, 4, [])),
    hdlc(0xc021, cp(8, 5, [...u16(0x8057), 1, 1, 0, 4])),
    hdlc(0xc021, cp(9, 6, [...u32(0x1a2b3c4d), 1, 2, 3])),
    hdlc(0xc021, cp(10, 6, u32(0x5e6f7081))),
    hdlc(0xc021, cp(12, 7, [...u32(0x1a2b3c4d), ...ascii('hello')])),
    hdlc(0x8021, cp(1, 1, [...opt(3, [198, 18, 0, 1]), ...opt(129, [0, 0, 0, 0]), ...opt(131, [0, 0, 0, 0])])),
    hdlc(0x8021, cp(3, 1, [...opt(3, [198, 18, 0, 9]), ...opt(129, [198, 18, 0, 53])])),
    hdlc(0x8021, cp(2, 2, opt(3, [198, 18, 0, 9]))),
    hdlc(0x8057, cp(1, 1, opt(1, [0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55]))),
    hdlc(0xc023, cp(1, 1, [...pstr('alice'), ...pstr('s3cret')])),
    hdlc(0xc023, cp(2, 1, pstr('Login ok'))),
    hdlc(0xc023, cp(3, 2, pstr(''))),
    hdlc(0xc223, cp(1, 1, [16, ...Array.from({ length: 16 }, (_, i) => i), ...ascii('server')])),
    hdlc(0xc223, cp(2, 1, [16, ...Array.from({ length: 16 }, (_, i) => 255 - i), ...ascii('alice')])),
    hdlc(0xc223, cp(3, 1, ascii('Welcome'))),
    hdlc(0xc223, cp(4, 2, ascii('Denied'))),
    // an option whose length lies, a length past the frame, an unknown protocol, a cut header
    hdlc(0xc021, cp(1, 9, [1, 9, 5, 0xdc])),
    hdlc(0xc021, cp(1, 9, opt(1, u16(1500)), 40)),
    hdlc(0x4321, [1, 2, 3]),
    hdlc(0x4320, [1, 2, 3]),
    [0xff, 0x03, 0xc0],
  ];
}

/** Cisco HDLC frames (LINKTYPE_C_HDLC): IPv4, IPv6, SLARP request, reply and keepalive */
export function chdlcFrames(): number[][] {
  return [
    [0x0f, 0x00, 0x08, 0x00, ...dnsV4],
    [0x8f, 0x00, 0x86, 0xdd, ...synV6],
    [0x8f, 0x00, 0x80, 0x35, ...u32(0), 198, 18, 0, 1, 255, 255, 255, 252, 0, 0],
    [0x8f, 0x00, 0x80, 0x35, ...u32(1), 198, 18, 0, 2, 255, 255, 255, 252, 0, 0],
    [0x8f, 0x00, 0x80, 0x35, ...u32(2), ...u32(17), ...u32(16), 0xff, 0xff],
    [0x8f, 0x00, 0x80, 0x35, ...u32(7), 1, 2],
    [0x0f, 0x00, 0x12, 0x34, 1, 2, 3],
    [0x0f, 0x00],
  ];
}
