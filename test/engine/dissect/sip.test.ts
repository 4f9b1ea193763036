// SIP, SDP, RTP and RTP events against a real peer: SIPp's uac places a
// call (INVITE with an SDP offer, ACK, a DTMF digit played as RFC 2833
// RTP events, BYE) to SIPp's uas in the other namespace, which answers
// with its own SDP and echoes the RTP back. The media are found only
// through the SDP (RTP has no port), so the RTP frames check the
// announced conversations: setup frame, dynamic payload type names from
// the offer's rtpmap, and tshark's stream numbers (one per announced
// endpoint). Every frame is compared with tshark, cell by cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVethPair } from '../../lib/netns';
import { hasCommand, liveSkipReason } from '../../lib/env';
import { compareFile, tsharkSkip } from './compare';
import { tcpConversation, writePcap } from './tshark-compare';

const DTMF = '/usr/share/sip-tester/dtmf_2833_1.pcap';
const skip = liveSkipReason() ?? tsharkSkip() ?? (hasCommand('sipp') && hasCommand('tcpdump') && existsSync(DTMF) ? false : 'needs sipp (sip-tester) and tcpdump');

/** SIPp's built-in uac_pcap call with the 8-second G.711 stream left out: just the DTMF digit. */
function scenario(): string {
  // (sipp -sd exits with status 99 after printing the scenario)
  const xml = spawnSync('sipp', ['-sd', 'uac_pcap'], { encoding: 'utf8' }).stdout;
  const a = xml.indexOf('<!-- Play a pre-recorded PCAP file (RTP stream)');
  const b = xml.indexOf('<!-- Play an out of band DTMF');
  assert.ok(a > 0 && b > a, 'SIPp\'s uac_pcap scenario has its RTP and DTMF steps');
  return (xml.slice(0, a) + xml.slice(b)).replace('pcap/dtmf_2833_1.pcap', DTMF);
}

const FIELDS = [
  'frame.protocols', 'udp.stream', 'sip.Method', 'sip.r-uri', 'sip.Request-Line', 'sip.Status-Code', 'sip.Status-Line', 'sip.from.user', 'sip.from.host',
  'sip.from.addr', 'sip.from.tag', 'sip.from.display.info', 'sip.to.user', 'sip.to.host', 'sip.to.addr', 'sip.to.tag', 'sip.to.display.info', 'sip.Call-ID',
  'sip.CSeq', 'sip.CSeq.seq', 'sip.CSeq.method', 'sip.Via', 'sip.Contact', 'sip.Max-Forwards', 'sip.Subject', 'sip.Content-Type', 'sip.Content-Length',
  'sdp.version', 'sdp.owner', 'sdp.owner.username', 'sdp.owner.address', 'sdp.session_name', 'sdp.connection_info', 'sdp.connection_info.address',
  'sdp.time', 'sdp.media', 'sdp.media.media', 'sdp.media.port', 'sdp.media.proto', 'sdp.media_attr', 'sdp.media_attribute.field',
  'rtp.setup-frame', 'rtp.setup-method', 'rtp.version', 'rtp.padding', 'rtp.ext', 'rtp.cc', 'rtp.marker', 'rtp.p_type', 'rtp.seq', 'rtp.timestamp',
  'rtp.ssrc', 'rtpevent.event_id', 'rtpevent.end_of_event', 'rtpevent.volume', 'rtpevent.duration',
  '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

/**
 * One SIPp call over `transport` ('u1' UDP, 't1' TCP), captured and compared
 * with tshark; `ignore`: fields left out of the comparison, with why.
 */
async function call(transport: 'u1' | 't1', ignore: string[] = []): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xdpscope-sip-'));
  const net = createVethPair();
  try {
    const xml = join(dir, 'uac.xml');
    writeFileSync(xml, scenario());
    const pcap = join(dir, 'sip.pcap');
    const cap = net.spawn(net.serverNs, ['tcpdump', '-Z', 'root', '--immediate-mode', '-i', net.serverIf, '-U', '-n', '-s', '0', '-w', pcap, 'tcp or udp'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    cap.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
    while (!err.includes('listening on')) await once(cap.stderr!, 'data');
    const uas = net.spawn(net.serverNs, ['sipp', '-sn', 'uas', '-t', transport, '-i', net.serverIp, '-p', '5060', '-rtp_echo', '-m', '1', '-nostdin'], { stdio: 'ignore', cwd: dir });
    // over UDP the uac would retransmit its INVITE, but over TCP a refused connect ends the call: wait for the bind
    await net.listening(net.serverNs, transport === 't1' ? 't' : 'u', 5060);
    net.exec(net.clientNs, ['sipp', '-sf', xml, '-t', transport, '-i', net.clientIp, '-p', '5061', '-m', '1', '-nostdin', '-timeout', '30s', `${net.serverIp}:5060`], { timeoutMs: 40_000 });
    if (uas.exitCode === null) await once(uas, 'exit');
    // the capture is complete once it holds the answer to the BYE (bounded: 10 s)
    const done = (): boolean => existsSync(pcap) && readFileSync(pcap).toString('latin1').split('CSeq: 2 BYE').length >= 3;
    for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
    cap.kill('SIGINT');
    await once(cap, 'exit');
    const fields = FIELDS.filter((f) => !ignore.includes(f));
    const r = compareFile(pcap, fields);
    console.log(`# sip (${transport}): ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual(r.diffs, []);
    const col = (name: string): string[] => r.theirs.map((row) => row[fields.indexOf(name)]);
    // the call is all there: both SDPs, RTP events both ways on two announced streams
    assert.equal(col('sdp.media').filter(Boolean).length, 2);
    assert.ok(col('rtpevent.event_id').filter(Boolean).length >= 10, 'the DTMF digit\'s RTP events');
    assert.equal(new Set(col('udp.stream').filter((_, i) => col('rtp.ssrc')[i])).size, 2, 'one stream per announced endpoint');
  } finally {
    net.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a SIPp call over UDP: SIP, SDP, and the RTP events it set up agree with tshark', { skip, timeout: 90_000 }, () => call('u1'));

// Over TCP tshark 4.0 names the answer's frame as the setup of the offerer's RTP stream (and the offer's for the
// answerer's), where over UDP it names the offer for both; we name the offer in both cases: rtp.setup-frame is left out.
test('a SIPp call over TCP: SIP messages framed by Content-Length agree with tshark', { skip, timeout: 90_000 }, () => call('t1', ['rtp.setup-frame']));

// A message cut anywhere (in its start line, its headers or its body) waits for the segment that completes it, and a
// segment holding the end of one message and the start of the next shows the first: held bytes, as tshark reassembles.
test('SIP over TCP split across segments agrees with tshark', { skip: tsharkSkip() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xs-sip-split-'));
  try {
    const body = 'v=0\r\no=- 1 1 IN IP4 198.18.9.1\r\ns=-\r\nc=IN IP4 198.18.9.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';
    const invite = `INVITE sip:bob@198.18.9.2 SIP/2.0\r\nVia: SIP/2.0/TCP 198.18.9.1:5061;branch=z9hG4bK-1\r\nFrom: <sip:alice@198.18.9.1>;tag=1\r\n` +
      `To: <sip:bob@198.18.9.2>\r\nCall-ID: split-1@198.18.9.1\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const ok = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 198.18.9.1:5061;branch=z9hG4bK-1\r\nFrom: <sip:alice@198.18.9.1>;tag=1\r\nTo: <sip:bob@198.18.9.2>;tag=2\r\n' +
      'Call-ID: split-1@198.18.9.1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n';
    const bye = 'BYE sip:bob@198.18.9.2 SIP/2.0\r\nVia: SIP/2.0/TCP 198.18.9.1:5061;branch=z9hG4bK-2\r\nFrom: <sip:alice@198.18.9.1>;tag=1\r\n' +
      'To: <sip:bob@198.18.9.2>;tag=2\r\nCall-ID: split-1@198.18.9.1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n';
    const c = Buffer.from(invite + bye, 'latin1'), s = Buffer.from(ok, 'latin1');
    const cuts = [20, 150, invite.length - 10, invite.length + 30];
    const parts: Array<[boolean, number[]]> = [];
    cuts.forEach((at, i) => parts.push([true, [...c.subarray(i === 0 ? 0 : cuts[i - 1], at)]]));
    parts.push([false, [...s.subarray(0, 40)]], [false, [...s.subarray(40)]], [true, [...c.subarray(cuts[cuts.length - 1])]]);
    const cap = join(dir, 'sip-split.pcap');
    writePcap(cap, tcpConversation(5061, 5060, parts));
    const r = compareFile(cap, ['frame.protocols', 'sip.Method', 'sip.Status-Code', 'sip.CSeq', 'sip.Content-Length', 'sdp.media', 'tcp.reassembled_in',
      '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed']);
    console.log(`# sip split: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual(r.diffs, []);
    assert.ok(r.cells >= 50, `${r.cells} cells compared`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
