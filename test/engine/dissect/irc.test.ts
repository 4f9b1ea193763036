// IRC on tcp/6667 and 57000, judged by tshark 4.0 on the same bytes:
// requests and responses (by the port IRC was found on), prefixes,
// commands, numeric replies, parameters, trailers, CTCP, several lines per
// segment with CRLF, LF or no line end, lines of spaces, a prefix without
// its space, and odd CTCP quoting.
import { test } from 'node:test';
import { craftedAgrees, recordsAgree, tsharkSkip } from './compare';
import type { PcapRecord } from '../../lib/pcap';
import { ascii, eth, ipv4, tcp } from './packets';

const C = '198.18.0.1', S = '198.18.0.2';
let cseq = 1000, sseq = 5000;
const cli = (p: number[], port = 6667): number[] => { const f = eth(0x0800, ipv4(C, S, 6, tcp(40000, port, cseq, sseq, 0x18, p))); cseq += p.length; return f; };
const srv = (p: number[], port = 6667): number[] => { const f = eth(0x0800, ipv4(S, C, 6, tcp(port, 40000, sseq, cseq, 0x18, p))); sseq += p.length; return f; };

const FRAMES = [
  eth(0x0800, ipv4(C, S, 6, tcp(40000, 6667, cseq - 1, 0, 0x02))),
  eth(0x0800, ipv4(S, C, 6, tcp(6667, 40000, sseq - 1, cseq, 0x12))),
  cli(ascii('NICK bob\r\nUSER bob 0 * :Bob Smith\r\n')),
  srv(ascii(':irc.example.net NOTICE * :*** Looking up your hostname...\r\n:irc.example.net 001 bob :Welcome to the network bob\r\n:irc.example.net 005 bob CHANTYPES=# PREFIX=(ov)@+ :are supported\r\n')),
  cli(ascii('JOIN #chat\r\nPRIVMSG #chat :hello  world\r\nPRIVMSG alice :\x01VERSION\x01\r\n')),
  srv(ascii(':alice!a@198.18.0.3 PRIVMSG bob :\x01ACTION waves\x01\r\n:alice!a@198.18.0.3 NOTICE bob \x01PING 123\x01 x\r\nPING :irc.example.net\n')),
  cli(ascii('PONG :irc.example.net\r\nQUIT')),
  srv(ascii('   \r\n:nospace\r\n:pfx   \r\n:pfx 433 * bob :Nickname is already in use\r\nERROR :Closing link\r\n')),
  cli(ascii('MODE  #chat   +o   alice\r\nPRIVMSG #c :\x01\r\nPRIVMSG #c \x01a b\x01\r\nTOPIC #c \x01x\r\n123 x\r\n\r\n')),
  cli(ascii('PRIVMSG #chat :caf\xe9\0tail\r\n'), 57000),
  srv(ascii(':s 372 bob :- motd\r\n'), 57000),
];

const FIELDS = ['frame.protocols', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed', 'irc.request', 'irc.request.prefix', 'irc.request.command',
  'irc.request.command_parameter', 'irc.request.trailer', 'irc.response', 'irc.response.prefix', 'irc.response.command', 'irc.response.num_command',
  'irc.response.command_parameter', 'irc.response.trailer', 'irc.ctcp'];

test('IRC: requests, responses, parameters, trailers and CTCP agree with tshark', { skip: tsharkSkip() }, () => {
  craftedAgrees('irc', FRAMES, FIELDS, { seed: ['irc', 1] });
});

test('IRC cut by the capture at every offset agrees with tshark', { skip: tsharkSkip() }, () => {
  const payload = ascii(':alice!a@h PRIVMSG #c :\x01ACTION waves\x01\r\n:s 001 bob :Welcome\r\nPING :x\r\n');
  const recs: PcapRecord[] = [];
  for (let n = 1; n < payload.length; n++) {
    const f = eth(0x0800, ipv4(S, C, 6, tcp(6667, 41000 + n, 7000, 1000, 0x18, payload)));
    recs.push({ data: Uint8Array.from(f.slice(0, 54 + n)), origLen: f.length });
  }
  recordsAgree('irc-cut', recs, FIELDS);
});
