// Syslog over UDP (udp/514): the <PRI> as facility and level, the message,
// and the header fields tshark 4.0 reads from RFC 5424 messages (version,
// timestamp, hostname, app name, process id, and "message id": tshark's
// field holds the rest of the line from there) or RFC 3164 ones (the
// timestamp as text, hostname, the tag in the process id field).
import type { Ctx } from './context';
import { declare, treeLine } from './fields';
import { formatText } from './format';
import type { State } from './state';
import * as readers from './bytes';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { UDP_PORT } = tables;
const { latin1 } = readers;
/** UTF-8 with each invalid byte as U+FFFD, as tshark decodes ENC_UTF_8 */
const utf8 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf8');
/** ASCII up to a NUL, each byte past 0x7f as U+FFFD, as tshark decodes ENC_ASCII string fields */
function ascii(d: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end && d[i] !== 0; i++) s += d[i] < 0x80 ? String.fromCharCode(d[i]) : '\ufffd';
  return s;
}

const FACILITIES = ['KERN', 'USER', 'MAIL', 'DAEMON', 'AUTH', 'SYSLOG', 'LPR', 'NEWS', 'UUCP', 'CRON', 'AUTHPRIV', 'FTP', 'NTP', 'AUDIT', 'ALERT', 'CRON2',
  'LOCAL0', 'LOCAL1', 'LOCAL2', 'LOCAL3', 'LOCAL4', 'LOCAL5', 'LOCAL6', 'LOCAL7'];
const LEVELS = ['EMERG', 'ALERT', 'CRIT', 'ERR', 'WARNING', 'NOTICE', 'INFO', 'DEBUG'];

// packet-syslog.c writes the protocol item itself: facility, level and the message
treeLine('syslog', (v) => {
  const fac = v.field('syslog.facility')?.value, lev = v.field('syslog.level')?.value;
  // the item shows the message as Info does (every byte, escaped), not the field's NUL-ended string
  const info = v.dissection?.summary.info;
  if (typeof info === 'string') return typeof fac === 'number' ? `Syslog message: ${info}` : `Syslog message: (unknown): ${info}`;
  const msg = v.value('syslog.msg') ?? '';
  return typeof fac === 'number' && typeof lev === 'number'
    ? `Syslog message: ${FACILITIES[fac] ?? 'UNKNOWN'}.${LEVELS[lev] ?? 'UNKNOWN'}: ${msg}` : `Syslog message: (unknown): ${msg}`;
}, ['syslog.facility', 'syslog.level', 'syslog.msg']);

declare('syslog', 'Syslog message', [
  ['syslog.facility', 'uint', 'Facility', { valueNames: Object.fromEntries(FACILITIES.map((n, i) => [i, n])) }],
  ['syslog.level', 'uint', 'Level', { valueNames: Object.fromEntries(LEVELS.map((n, i) => [i, n])) }],
  ['syslog.msg', 'string', 'Message'],
  ['syslog.version', 'string', 'Syslog version'],
  ['syslog.timestamp', 'abstime', 'Syslog timestamp'],
  ['syslog.timestamp_rfc3164', 'string', 'Syslog timestamp (RFC3164)'],
  ['syslog.hostname', 'string', 'Syslog hostname'],
  ['syslog.appname', 'string', 'Syslog app name'],
  ['syslog.procid', 'string', 'Syslog process id'],
  ['syslog.msgid', 'string', 'Syslog message id'],
]);

/** An RFC 3339 time (RFC 5424's TIMESTAMP) as nanoseconds since the epoch, or null. */
function rfc3339(s: string): bigint | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (!Number.isFinite(ms)) return null;
  let offMin = 0;
  if (m[8] !== 'Z') offMin = (m[8][0] === '-' ? -1 : 1) * (+m[8].slice(1, 3) * 60 + +m[8].slice(4, 6));
  const frac = m[7] ? BigInt(m[7].padEnd(9, '0')) : 0n;
  return (BigInt(ms) - BigInt(offMin) * 60_000n) * 1_000_000n + frac;
}

export function dissectSyslog(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('syslog', off, end - off);
  ctx.protocol = 'Syslog';
  let o = off, pri = -1;
  if (d[o] === 0x3c) {
    let p = o + 1, v = 0;
    while (p < end && p - o <= 4 && d[p] >= 48 && d[p] <= 57) v = v * 10 + d[p++] - 48;
    if (p < end && d[p] === 0x3e && p > o + 1 && v <= 191) { pri = v; o = p + 1; }
  }
  // the header fields are parsed from one byte per character (their offsets); the message is UTF-8 as tshark reads it
  const text = latin1(d, o, end);
  const bytes = d.subarray(o, end), nul = bytes.indexOf(0);
  if (pri >= 0) {
    ctx.add(l, 'syslog.facility', pri >> 3, off, o - off);
    ctx.add(l, 'syslog.level', pri & 7, off, o - off);
  }
  // a string field ends at a NUL; Info shows every byte, control characters escaped as format_text writes them
  ctx.add(l, 'syslog.msg', utf8(nul < 0 ? bytes : bytes.subarray(0, nul)), o, end - o);
  const shown = formatText(utf8(bytes));
  ctx.info = pri >= 0 ? `${FACILITIES[pri >> 3]}.${LEVELS[pri & 7]}: ${shown}` : shown;
  if (pri < 0) return;
  // RFC 5424: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID...
  const v5424 = /^(\d{1,2}) (\S+) (\S+) (\S+) (\S+) /.exec(text);
  if (v5424) {
    let at = o;
    const fields: Array<[string, string]> = [['syslog.version', v5424[1]], ['', v5424[2]], ['syslog.hostname', v5424[3]], ['syslog.appname', v5424[4]], ['syslog.procid', v5424[5]]];
    for (const [name, value] of fields) {
      if (name === '') {
        const ns = rfc3339(value);
        if (ns !== null) ctx.add(l, 'syslog.timestamp', ns, at, value.length);
      } else ctx.add(l, name, value, at, value.length);
      at += value.length + 1;
    }
    ctx.add(l, 'syslog.msgid', ascii(d, at, end), at, end - at);
    return;
  }
  // RFC 3164: Mmm dd hh:mm:ss HOSTNAME TAG...
  const v3164 = /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+) ([^:[\s]+)/.exec(text);
  if (v3164) {
    let at = o;
    ctx.add(l, 'syslog.timestamp_rfc3164', v3164[1], at, v3164[1].length);
    at += v3164[1].length + 1;
    ctx.add(l, 'syslog.hostname', v3164[2], at, v3164[2].length);
    at += v3164[2].length + 1;
    ctx.add(l, 'syslog.procid', v3164[3], at, v3164[3].length);
    at += v3164[3].length;
    ctx.add(l, 'syslog.msgid', ascii(d, at, end), at, end - at);
  }
}

UDP_PORT.add([514], dissectSyslog);
