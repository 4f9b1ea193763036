// Protocols we recognise but do not decode field by field (SSH, SMTP,
// PPTP, NTP, ...): they get a protocol layer (so frame.protocols and
// filters like `ssh` work) spanning their bytes, and a summary name. Each
// registers here into its parent's table; a protocol that grows fields
// moves out to a module of its own.
import { declare } from './fields';
import { nameOnly } from './data';
import * as tables from './tables';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { ETHERTYPE, TCP_PORT, UDP_PORT } = tables;

/** Layers other dissectors open by name (HTTP bodies, ...): declared here so filters know them. */
const KNOWN: Array<[string, string]> = [
  ['json', 'JavaScript Object Notation'],
  ['xml', 'eXtensible Markup Language'],
  ['data-text-lines', 'Line-based text data'],
  ['urlencoded-form', 'HTML Form URL Encoded'],
  ['media', 'Media Type'],
  ['mime_multipart', 'MIME Multipart Media Encapsulation'],
];
for (const [name, title] of KNOWN) declare(name, title, []);

declare('db-lsp-disc', 'Dropbox LAN sync Discovery Protocol', []);
UDP_PORT.add([17500], (ctx, _st, off, end) => {
  // packet-db-lsp.c sets the columns, then JSON appends to each ("/" and ", ")
  nameOnly(ctx, 'db-lsp-disc', 'DB-LSP-DISC', off, end, 'Dropbox LAN sync Discovery Protocol');
  if (ctx.d[off] === 0x7b) nameOnly(ctx, 'json', 'DB-LSP-DISC/JSON', off, end, 'Dropbox LAN sync Discovery Protocol, JavaScript Object Notation');
}, { both: true });

// PPTP control messages (RFC 2637 §2): Info names the control message type, as packet-pptp.c
declare('pptp', 'Point-to-Point Tunnelling Protocol', []);
const PPTP_TYPES = ['', 'Start-Control-Connection-Request', 'Start-Control-Connection-Reply', 'Stop-Control-Connection-Request',
  'Stop-Control-Connection-Reply', 'Echo-Request', 'Echo-Reply', 'Outgoing-Call-Request', 'Outgoing-Call-Reply',
  'Incoming-Call-Request', 'Incoming-Call-Reply', 'Incoming-Call-Connected', 'Call-Clear-Request',
  'Call-Disconnect-Notify', 'WAN-Error-Notify', 'Set-Link-Info'];
TCP_PORT.add([1723], () => ({
  feed(ctx, _st, _s, _f, off, end): void {
    const d = ctx.d;
    let info = 'PPTP data';
    if (end - off >= 10) {
      const t = d[off + 8] << 8 | d[off + 9];
      info = PPTP_TYPES[t] || `Unknown control type (${t})`;
    }
    nameOnly(ctx, 'pptp', 'PPTP', off, end, info);
  },
  fin(): void {},
  reset(): void {},
}));

declare('pppoed', 'PPP-over-Ethernet Discovery', []);
ETHERTYPE.add(0x8863, (ctx, _st, off, end) => nameOnly(ctx, 'pppoed', 'PPPoED', off, end, 'PPPoE Discovery'));

// CDP: SNAP with Cisco's OUI, PID 0x2000

// LCP: ppp.ts decodes it
