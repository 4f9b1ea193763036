// IMF, the Internet Message Format (RFC 5322): the headers of a mail that
// SMTP's DATA (or POP3's RETR, IMAP's FETCH) carries, read as tshark 4.0's
// packet-imf.c reads them: each "Name: value" field (folded lines
// included) becomes imf.<name> with its value trimmed of leading space,
// address lists are split at commas into items with a display name and an
// address, unknown headers are imf.extension (type and value), and the
// body goes to the protocol of its Content-Type (only when the type carries
// parameters, as tshark takes the type from before the first ';'), else it
// is listed as lines of message text. Info: From and Subject, and the body
// lines tshark appends.
import { type Ctx, type FieldNode, SKIP } from './context';
import { declare } from './fields';
import * as readers from './bytes';
const { latin1 } = readers;

const enum Sub { None, Mailbox, MailboxList, AddressList, ContentType }

/** Header (lower case) → field, how its value is split, whether Info shows it. */
const HEADERS: Array<[string, string, Sub, boolean?]> = [
  ['date', 'imf.date', Sub.None], ['from', 'imf.from', Sub.MailboxList, true], ['sender', 'imf.sender', Sub.Mailbox],
  ['reply-to', 'imf.reply_to', Sub.AddressList], ['to', 'imf.to', Sub.AddressList], ['cc', 'imf.cc', Sub.AddressList],
  ['bcc', 'imf.bcc', Sub.AddressList], ['message-id', 'imf.message_id', Sub.None], ['in-reply-to', 'imf.in_reply_to', Sub.None],
  ['references', 'imf.references', Sub.None], ['subject', 'imf.subject', Sub.None, true], ['comments', 'imf.comments', Sub.None],
  ['user-agent', 'imf.user_agent', Sub.None], ['keywords', 'imf.keywords', Sub.None], ['resent-date', 'imf.resent.date', Sub.None],
  ['resent-from', 'imf.resent.from', Sub.MailboxList], ['resent-sender', 'imf.resent.sender', Sub.Mailbox],
  ['resent-to', 'imf.resent.to', Sub.AddressList], ['resent-cc', 'imf.resent.cc', Sub.AddressList], ['resent-bcc', 'imf.resent.bcc', Sub.AddressList],
  ['resent-message-id', 'imf.resent.message_id', Sub.None], ['return-path', 'imf.return_path', Sub.None], ['received', 'imf.received', Sub.None],
  ['content-type', 'imf.content.type', Sub.ContentType], ['content-id', 'imf.content.id', Sub.None],
  ['content-description', 'imf.content.description', Sub.None], ['content-transfer-encoding', 'imf.content.transfer_encoding', Sub.None],
  ['mime-version', 'imf.mime_version', Sub.None], ['autoforwarded', 'imf.autoforwarded', Sub.None], ['autosubmitted', 'imf.autosubmitted', Sub.None],
  ['x400-content-identifier', 'imf.x400_content_identifier', Sub.None], ['content-language', 'imf.content_language', Sub.None],
  ['conversion', 'imf.conversion', Sub.None], ['conversion-with-loss', 'imf.conversion_with_loss', Sub.None],
  ['delivery-date', 'imf.delivery_date', Sub.None], ['discarded-x400-ipms-extensions', 'imf.discarded_x400_ipms_extensions', Sub.None],
  ['discarded-x400-mts-extensions', 'imf.discarded_x400_mts_extensions', Sub.None], ['dl-expansion-history', 'imf.dl_expansion_history', Sub.None],
  ['deferred-delivery', 'imf.deferred_delivery', Sub.None], ['expires', 'imf.expires', Sub.None], ['importance', 'imf.importance', Sub.None],
  ['incomplete-copy', 'imf.incomplete_copy', Sub.None], ['latest-delivery-time', 'imf.latest_delivery_time', Sub.None],
  ['message-type', 'imf.message_type', Sub.None], ['original-encoded-information-types', 'imf.original_encoded_information_types', Sub.None],
  ['originator-return-address', 'imf.originator_return_address', Sub.None], ['priority', 'imf.priority', Sub.None],
  ['reply-by', 'imf.reply_by', Sub.None], ['sensitivity', 'imf.sensitivity', Sub.None], ['supersedes', 'imf.supersedes', Sub.None],
  ['x400-content-type', 'imf.x400_content_type', Sub.None], ['x400-mts-identifier', 'imf.x400_mts_identifier', Sub.None],
  ['x400-originator', 'imf.x400_originator', Sub.None], ['x400-received', 'imf.x400_received', Sub.None],
  ['x400-recipients', 'imf.x400_recipients', Sub.None], ['delivered-to', 'imf.delivered_to', Sub.Mailbox],
  ['x-mailer', 'imf.ext.mailer', Sub.None], ['thread-index', 'imf.thread-index', Sub.None], ['x-mimeole', 'imf.ext.mimeole', Sub.None],
  ['expiry-date', 'imf.ext.expiry-date', Sub.None], ['x-ms-tnef-correlator', 'imf.ext.tnef-correlator', Sub.None],
  ['x-uidl', 'imf.ext.uidl', Sub.None], ['x-authentication-warning', 'imf.ext.authentication_warning', Sub.None],
  ['x-virus-scanned', 'imf.ext.virus_scanned', Sub.None], ['x-original-to', 'imf.ext.original-to', Sub.None],
  ['lines', 'imf.lines', Sub.None], ['precedence', 'imf.precedence', Sub.None],
];
/** the field's label is the header as tshark spells it */
const label = (name: string): string => name.split('-').map((w) => (w.startsWith('x400') ? 'X400' : w === 'id' ? 'ID' : w === 'mime' ? 'MIME' : w === 'dl' ? 'DL' : w === 'ms' ? 'MS' : w === 'tnef' ? 'TNEF' : w === 'uidl' ? 'UIDL' : w === 'ipms' ? 'IPMS' : w === 'mts' ? 'MTS' : w[0].toUpperCase() + w.slice(1))).join('-');

const BY_NAME = new Map(HEADERS.map(([n, f, s, info]) => [n, { field: f, sub: s, info: info === true, title: label(n) }]));

declare('imf', 'Internet Message Format', [
  ...HEADERS.map(([n, f]): [string, 'string', string] => [f, 'string', label(n)]),
  ['imf.content.type.type', 'string', 'Type'],
  ['imf.content.type.parameters', 'string', 'Parameters'],
  ['imf.extension', 'string', 'Unknown-Extension'],
  ['imf.extension.type', 'string', 'Type'],
  ['imf.extension.value', 'string', 'Value'],
  ['imf.display_name', 'string', 'Display-Name'],
  ['imf.address', 'string', 'Address'],
  ['imf.address_list.item', 'string', 'Item'],
  ['imf.mailbox_list.item', 'string', 'Item'],
  ['imf.message_text', 'none', 'Message-Text'],
]);

const isSpace = (b: number): boolean => b === 32 || (b >= 9 && b <= 13);

function find(d: Uint8Array, from: number, end: number, ch: number): number {
  for (let i = from; i < end; i++) if (d[i] === ch) return i;
  return -1;
}

/**
 * Where a field that starts at o ends: past its CRLF (folded lines
 * included); `body`: past the blank line that ends the headers, when it
 * follows.
 */
function fieldEnd(d: Uint8Array, o: number, end: number): { at: number; body: number } | null {
  while (o < end) {
    const cr = find(d, o, end, 13);
    if (cr < 0) return { at: end, body: -1 };
    o = cr + 1;
    if (d[o] === 10) {
      o++;
      if (o >= end) return { at: o, body: -1 };
      const next = d[o];
      if (next === 13) {
        const at = o;
        o++;
        if (d[o] === 10) o++;
        return { at, body: Math.min(o, end) };
      }
      if (next !== 32 && next !== 9) return { at: o, body: -1 };
    }
  }
  return null;
}

function mailbox(ctx: Ctx, item: FieldNode, d: Uint8Array, o: number, len: number): void {
  const end = o + len;
  const lt = find(d, o, end, 0x3c);
  if (lt < 0) { ctx.sub(item, 'imf.address', latin1(d, o, end), o, len); return; }
  while (o < lt && isSpace(d[o])) o++;
  if (o !== lt) ctx.sub(item, 'imf.display_name', latin1(d, o, Math.max(o, lt - 1)), o, Math.max(0, lt - 1 - o));
  const gt = find(d, lt + 1, end, 0x3e);
  if (gt >= 0) ctx.sub(item, 'imf.address', latin1(d, lt + 1, gt), lt + 1, gt - lt - 1);
}

function list(ctx: Ctx, parent: FieldNode, title: string, d: Uint8Array, o: number, len: number, itemField: string, each: (item: FieldNode, o: number, len: number) => void): void {
  const end = o + len;
  let count = 0;
  for (let p = o; ;) {
    const comma = find(d, p, end, 0x2c);
    const e = comma < 0 ? end : comma;
    count++;
    const item = ctx.sub(parent, itemField, latin1(d, p, e), p, e - p);
    each(item, p, e - p);
    if (comma < 0) break;
    p = comma + 1;
  }
  if (parent !== SKIP && typeof parent.value === 'string') parent.label = `${title}: ${parent.value}, ${count} item${count === 1 ? '' : 's'}`;
}

function address(ctx: Ctx, item: FieldNode, d: Uint8Array, o: number, len: number): void {
  const end = o + len;
  const colon = find(d, o, end, 0x3a);
  // no colon: a mailbox; a colon: a group, its display name then its mailboxes
  if (colon < 0) { mailbox(ctx, item, d, o, len); return; }
  const name = ctx.sub(item, 'imf.display_name', latin1(d, o, Math.max(o, colon - 1)), o, Math.max(0, colon - 1 - o));
  let p = colon + 1;
  while (p < end && isSpace(d[p])) p++;
  if (p < end && d[p] !== 0x3b) list(ctx, name, 'Display-Name', d, p, end - p, 'imf.mailbox_list.item', (it, io, il) => mailbox(ctx, it, d, io, il));
}

/** The layer that reads a body of this media type, as tshark's media_type table (none: tshark shows nothing). */
export function mediaLayer(type: string): string | null {
  const t = type.trim().toLowerCase();
  if (t === 'application/json' || t.endsWith('+json')) return 'json';
  if (t === 'text/xml' || t === 'application/xml' || t.endsWith('+xml')) return 'xml';
  if (t.startsWith('multipart/')) return 'mime_multipart';
  if (t.startsWith('text/')) return 'data-text-lines';
  return null;
}

/**
 * What a media layer opened outside an HTTP/1 message was opened for (its
 * tree line names the type and counts a text body's lines, as tshark's
 * does): by the layer's field, valid only for the frame that opened it
 * (field nodes are pooled and reused by later frames).
 */
const MEDIA = new WeakMap<FieldNode, { frame: number; type: string; lines: number }>();

/** Opens the media layer for `type` over [off, off + len) of ctx.d, remembering the type and the body's line count. */
export function openMedia(ctx: Ctx, media: string, type: string, off: number, len: number, parent?: FieldNode, body?: Uint8Array): FieldNode {
  const l = ctx.layer(media, off, len, parent);
  let lines = 0;
  if (media === 'data-text-lines') {
    // tshark's count: every line feed, and a last line without one (of `body` when the bytes are not the frame's)
    const d = body ?? ctx.d;
    if (body !== undefined) { off = 0; len = body.length; }
    const end = Math.min(off + len, d.length);
    for (let i = off; i < end; i++) if (d[i] === 10) lines++;
    if (end > off && d[end - 1] !== 10) lines++;
  }
  MEDIA.set(l, { frame: ctx.pkt.number, type: type.split(';')[0].trim().toLowerCase(), lines });
  return l;
}

/** The type and line count openMedia remembered for this layer of frame `frame`, if it opened it. */
export function mediaOf(layer: FieldNode, frame: number | undefined): { type: string; lines: number } | undefined {
  const m = MEDIA.get(layer);
  return m !== undefined && m.frame === frame ? m : undefined;
}

/** tshark's tvb_format_text_wsp: each whitespace control character shown as a space. */
const wsp = (s: string): string => s.replace(/[\t\n\v\f\r]/g, ' ');

/** The message [off, end) of ctx.d (a reassembled buffer, usually). */
export function dissectImf(ctx: Ctx, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('imf', off, end - off);
  // tshark appends to the carrier's name: SMTP/IMF
  ctx.protocol = ctx.protocol ? `${ctx.protocol}/IMF` : 'IMF';
  let info = '';
  let ctype: string | null = null;
  let start = off, last = false, bodyAt = off;
  while (!last) {
    const colon = find(d, start, end, 0x3a);
    if (colon < 0) break;
    const key = latin1(d, start, colon).toLowerCase();
    const h = BY_NAME.get(key);
    const unknownAt = start;
    start = colon + 1;
    const fe = fieldEnd(d, start, end);
    if (fe === null) break;
    last = fe.body >= 0;
    const fend = fe.at;
    let v = start;
    while (v < fend && isSpace(d[v])) v++;
    if (v === fend) v = start;
    // the field's value without its final CRLF
    const vlen = Math.max(0, fend - v - 2);
    if (!h) {
      const ext = ctx.add(l, 'imf.extension', latin1(d, unknownAt, Math.max(unknownAt, fend - 2)), unknownAt, Math.max(0, fend - unknownAt - 2));
      ctx.sub(ext, 'imf.extension.type', latin1(d, unknownAt, colon), unknownAt, colon - unknownAt);
      ctx.sub(ext, 'imf.extension.value', latin1(d, v, v + vlen), v, vlen);
    } else {
      const item = ctx.add(l, h.field, latin1(d, v, v + vlen), v, vlen);
      if (h.info) info += `${h.field === 'imf.from' ? 'from' : 'subject'}: ${wsp(latin1(d, v, v + vlen))}, `;
      if (h.sub === Sub.ContentType) {
        let p = start;
        while (p < fend && isSpace(d[p])) p++;
        const semi = find(d, p, fend, 0x3b);
        if (semi >= 0) {
          const type = latin1(d, p, semi);
          ctx.sub(item, 'imf.content.type.type', type, p, semi - p);
          let pe = semi + 1;
          while (pe < fend && d[pe] !== 13 && d[pe] !== 10) pe++;
          ctx.sub(item, 'imf.content.type.parameters', latin1(d, semi + 1, pe), semi + 1, pe - semi - 1);
          ctype = type;
        }
      } else if (h.sub === Sub.Mailbox) mailbox(ctx, item, d, v, fend - v);
      else if (h.sub === Sub.MailboxList) list(ctx, item, h.title, d, v, fend - v, 'imf.mailbox_list.item', (it, io, il) => mailbox(ctx, it, d, io, il));
      else if (h.sub === Sub.AddressList) list(ctx, item, h.title, d, v, fend - v, 'imf.address_list.item', (it, io, il) => address(ctx, it, d, io, il));
    }
    start = last ? fe.body : fend;
    bodyAt = start;
  }
  const media = ctype !== null ? mediaLayer(ctype) : null;
  if (ctype !== null) {
    if (media !== null) {
      openMedia(ctx, media, ctype, bodyAt, end - bodyAt, l);
      if (media === 'data-text-lines') info += ` (${ctype.trim()})`;
    }
  } else {
    ctx.add(l, 'imf.message_text', null, bodyAt, end - bodyAt);
    // tshark appends every body line to Info
    for (let p = bodyAt; p < end;) {
      let e = p;
      while (e < end && d[e] !== 10 && d[e] !== 13) e++;
      if (e < end && d[e] === 13) e++;
      if (e < end && d[e] === 10) e++;
      info += `${info === '' ? '' : ', '}${wsp(latin1(d, p, e))}`;
      p = e;
    }
  }
  // tshark's Info column holds at most COL_MAX_INFO_LEN - 1 bytes
  ctx.info = info.length > MAX_INFO ? info.slice(0, MAX_INFO) : info;
}

const MAX_INFO = 4095;
