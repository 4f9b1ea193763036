// Telnet on tcp/23, judged by tshark 4.0 on the same bytes: data lines
// with every line end (CRLF, LF, CR NUL, CR runs), commands, option
// negotiation for known and unknown options, the suboptions tshark decodes
// (terminal type and speed, window size, flow control, tab stops, output
// marking, authentication, encryption, START_TLS) and the others' bytes,
// IAC IAC inside data and suboptions, wrong suboption lengths, and a
// segment ending in a lone IAC or a cut command.
import { test } from 'node:test';
import { craftedAgrees, recordsAgree, tsharkSkip } from './compare';
import type { PcapRecord } from '../../lib/pcap';
import { ascii, eth, ipv4, tcp } from './packets';

const C = '198.18.0.1', S = '198.18.0.2';
let cseq = 1000, sseq = 5000;
const cli = (p: number[]): number[] => { const f = eth(0x0800, ipv4(C, S, 6, tcp(40000, 23, cseq, sseq, 0x18, p))); cseq += p.length; return f; };
const srv = (p: number[]): number[] => { const f = eth(0x0800, ipv4(S, C, 6, tcp(23, 40000, sseq, cseq, 0x18, p))); sseq += p.length; return f; };
const IAC = 255, SB = 250, SE = 240;
const sb = (opt: number, data: number[]): number[] => [IAC, SB, opt, ...data, IAC, SE];

const FRAMES = [
  eth(0x0800, ipv4(C, S, 6, tcp(40000, 23, cseq - 1, 0, 0x02))),
  eth(0x0800, ipv4(S, C, 6, tcp(23, 40000, sseq - 1, cseq, 0x12))),
  srv([IAC, 253, 24, IAC, 253, 32, IAC, 253, 35, IAC, 253, 39, IAC, 253, 31, IAC, 251, 1, IAC, 251, 3, IAC, 253, 99]),
  cli([IAC, 251, 24, IAC, 251, 32, IAC, 252, 35, IAC, 254, 39, IAC, 251, 31, ...sb(31, [0, 80, 0, 24])]),
  srv([...sb(24, [1]), ...sb(32, [1])]),
  cli([...sb(24, [0, ...ascii('XTERM-256COLOR')]), ...sb(32, [0, ...ascii('38400,38400')]), ...sb(99, [1, 2, 3]), ...sb(39, [0, 0, ...ascii('USER'), 1, ...ascii('bob')])]),
  srv(ascii('\r\nUbuntu 22.04 LTS\r\nlogin: ')),
  cli(ascii('b')), srv(ascii('b')), cli(ascii('ob\r\0')), srv(ascii('\r\nPassword: ')),
  cli(ascii('secret\r\n')),
  srv(ascii('Last login: today\nbob@host:~$ \r\r\rmore\r\n\r')),
  srv([...ascii('bin '), IAC, IAC, ...ascii(' x\r\n'), IAC, 241, IAC, 246, IAC, 249, IAC, 243, IAC, 244, IAC, 242]),
  cli([...sb(31, [0, 80, 0]), ...sb(31, [0, 0xff, 0xff, 0, 24]), ...sb(33, [1]), ...sb(33, [])]),
  srv([...sb(11, [0, 8, 16, 0, 255]), ...sb(11, [1]), ...sb(11, [7, 9]), ...sb(27, [...ascii('Dbanner'), 29, ...ascii('Tx')])]),
  cli([...sb(37, [3, ...ascii('bob')]), ...sb(37, [1, 5, 2, 2, 0]), ...sb(37, [0, 2, 0, 3]), ...sb(38, [1, 1, 2]), ...sb(38, [0, 1, 9, 9]), ...sb(38, [3, 0]), ...sb(46, [1])]),
  srv([...sb(5, [0, 1, 2]), ...sb(0, [4])]),
  // cut: a lone IAC, IAC SB without its option, an unterminated suboption
  srv([...ascii('x'), IAC]),
  srv([IAC, SB]),
  srv([IAC, 253]),
  srv([...sb(24, [0, ...ascii('vt100')]).slice(0, -2)]),
];

const FIELDS = ['frame.protocols', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed', 'telnet.cmd', 'telnet.subcmd', 'telnet.data', 'telnet.option_data',
  'telnet.subcommand_data', 'telnet.string_subopt.value', 'telnet.naws_subopt.width', 'telnet.naws_subopt.height', 'telnet.rfc_subopt.cmd',
  'telnet.tabstop', 'telnet.outmark_subopt.cmd', 'telnet.outmark_subopt.banner', 'telnet.auth.cmd', 'telnet.auth.type', 'telnet.auth.name',
  'telnet.auth.mod.enc', 'telnet.auth.mod.cred_fwd', 'telnet.auth.mod.how', 'telnet.auth.mod.who', 'telnet.auth.krb5.cmd', 'telnet.enc.cmd',
  'telnet.enc.type', 'telnet.enc.type_data', 'telnet.enc.key_id', 'telnet.starttls'];

test('Telnet: data lines, commands, negotiation and suboptions agree with tshark', { skip: tsharkSkip() }, () => {
  craftedAgrees('telnet', FRAMES, FIELDS, { seed: ['telnet', 1] });
});

test('Telnet cut by the capture at every offset agrees with tshark', { skip: tsharkSkip() }, () => {
  // one segment of lines, commands and suboptions, each cut copy on a connection of its own
  const payload = [...ascii('login: '), IAC, 251, 1, ...sb(24, [0, ...ascii('VT100')]), ...ascii('ab\r\ncd'), IAC, 246, ...sb(31, [0, 80, 0, 24])];
  const recs: PcapRecord[] = [];
  for (let n = 1; n < payload.length; n++) {
    const f = eth(0x0800, ipv4(S, C, 6, tcp(23, 41000 + n, 7000, 1000, 0x18, payload)));
    recs.push({ data: Uint8Array.from(f.slice(0, 54 + n)), origLen: f.length });
  }
  recordsAgree('telnet-cut', recs, FIELDS);
});
