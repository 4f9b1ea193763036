// FTP and FTP-DATA on a crafted session (RFC 959): banner, login, PWD,
// PASV with a data connection for LIST, EPSV for RETR, PORT (the server
// connects back from port 20) for STOR, multi-line replies; every TCP
// segment built with coherent sequence numbers. Compared cell by cell
// with tshark, the data connections' links to their setup and command
// frames and tcp.stream numbers included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFrames, tsharkSkip } from './compare';
import { tcpFrameBytes } from '../../lib/tcp-frame';

const C = '198.18.0.1', S = '198.18.0.2';

/** A TCP connection between two endpoints: handshake, data each way, close; frames appended to `out`. */
class Conn {
  private cs = 1000; private ss = 5000;
  constructor(private out: Buffer[], private a: string, private ap: number, private b: string, private bp: number) {
    out.push(tcpFrameBytes(a, b, ap, bp, this.cs, 0, 0x02, [], Buffer.alloc(0), 64240));
    out.push(tcpFrameBytes(b, a, bp, ap, this.ss, this.cs + 1, 0x12, [], Buffer.alloc(0), 64240));
    this.cs++; this.ss++;
    out.push(tcpFrameBytes(a, b, ap, bp, this.cs, this.ss, 0x10, [], Buffer.alloc(0), 64240));
  }
  send(fromA: boolean, text: string | Buffer): this {
    const p = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
    if (fromA) { this.out.push(tcpFrameBytes(this.a, this.b, this.ap, this.bp, this.cs, this.ss, 0x18, [], p, 64240)); this.cs += p.length; }
    else { this.out.push(tcpFrameBytes(this.b, this.a, this.bp, this.ap, this.ss, this.cs, 0x18, [], p, 64240)); this.ss += p.length; }
    return this;
  }
  close(): void {
    this.out.push(tcpFrameBytes(this.a, this.b, this.ap, this.bp, this.cs, this.ss, 0x11, [], Buffer.alloc(0), 64240));
    this.out.push(tcpFrameBytes(this.b, this.a, this.bp, this.ap, this.ss, this.cs + 1, 0x11, [], Buffer.alloc(0), 64240));
    this.out.push(tcpFrameBytes(this.a, this.b, this.ap, this.bp, this.cs + 1, this.ss + 1, 0x10, [], Buffer.alloc(0), 64240));
  }
}

function session(): Buffer[] {
  const f: Buffer[] = [];
  const ctl = new Conn(f, C, 40000, S, 21);
  ctl.send(false, '220 (vsFTPd 3.0.3)\r\n').send(true, 'USER anonymous\r\n').send(false, '331 Please specify the password.\r\n')
    .send(true, 'PASS x@y\r\n').send(false, '230 Login successful.\r\n').send(true, 'PWD\r\n').send(false, '257 "/" is the current directory\r\n')
    .send(true, 'PASV\r\n').send(false, '227 Entering Passive Mode (198,18,0,2,195,80).\r\n').send(true, 'LIST\r\n');
  const d1 = new Conn(f, C, 40001, S, 50000);
  ctl.send(false, '150 Here comes the directory listing.\r\n');
  d1.send(false, '-rw-r--r--    1 0        0            1234 Jan 01 00:00 file.txt\r\n');
  d1.close();
  ctl.send(false, '226 Directory send OK.\r\n').send(true, 'EPSV\r\n').send(false, '229 Entering Extended Passive Mode (|||50001|)\r\n');
  const d2 = new Conn(f, C, 40002, S, 50001);
  ctl.send(true, 'RETR file.txt\r\n').send(false, '150 Opening BINARY mode data connection for file.txt (1234 bytes).\r\n');
  d2.send(false, Buffer.alloc(300, 0x41));
  d2.close();
  ctl.send(false, '226 Transfer complete.\r\n').send(true, 'PORT 198,18,0,1,156,65\r\n').send(false, '200 PORT command successful. Consider using PASV.\r\n')
    .send(true, 'STOR up.bin\r\n');
  const d3 = new Conn(f, S, 20, C, 40001);
  ctl.send(false, '150 Ok to send data.\r\n');
  d3.send(false, Buffer.alloc(100, 0x42));
  d3.close();
  ctl.send(false, '226 Transfer complete.\r\n').send(true, 'HELP\r\n').send(false, '214-The following commands are recognized.\r\n ABOR ACCT\r\n214 Help OK.\r\n')
    .send(true, 'QUIT\r\n').send(false, '221 Goodbye.\r\n');
  ctl.close();
  return f;
}

const FIELDS = [
  'frame.protocols', 'tcp.stream', 'ftp.request', 'ftp.response', 'ftp.request.command', 'ftp.request.arg', 'ftp.response.code', 'ftp.response.arg',
  'ftp.passive.ip', 'ftp.passive.port', 'ftp.passive.nat', 'ftp.active.cip', 'ftp.active.port', 'ftp.active.nat', 'ftp.epsv.port',
  'ftp-data.setup-frame', 'ftp-data.setup-method', 'ftp-data.command', 'ftp-data.command-frame', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

test('FTP and FTP-DATA agree with tshark field by field, data connections linked to their setup', { skip: tsharkSkip() }, () => {
  const r = compareFrames('ftp', session(), FIELDS);
  console.log(`# ftp: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
  assert.deepEqual([...new Set(r.diffs.map((x) => x.replace(/^\(subset\) /, '')))], []);
});
