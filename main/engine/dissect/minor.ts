// Protocols we recognise but do not decode field by field (SSH, SMTP,
// PPTP, NTP, ...): they get a protocol layer (so frame.protocols and
// filters like `ssh` work) spanning their bytes, and a summary name. Each
// registers here into its parent's table; a protocol that grows fields
// moves out to a module of its own.
import { declare } from './fields';
import { nameOnly } from './data';
import * as tables from './tables';
import { NameApp } from './tcpsimple';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { ETHERTYPE, PPP_PROTOCOL, TCP_PORT, UDP_PORT } = tables;

/** Layers other dissectors open by name (HTTP bodies, ...): declared here so filters know them. */
const KNOWN: Array<[string, string]> = [
  ['json', 'JavaScript Object Notation'],
  ['xml', 'eXtensible Markup Language'],
  ['data-text-lines', 'Line-based text data'],
  ['urlencoded-form', 'HTML Form URL Encoded'],
  ['media', 'Media Type'],
  ['mime_multipart', 'MIME Multipart Media Encapsulation'],
  ['stp', 'Spanning Tree Protocol'],
  ['cdp', 'Cisco Discovery Protocol'],
];
for (const [name, title] of KNOWN) declare(name, title, []);

/** A name-only protocol on a TCP port: each segment on its own, as tshark shows these. */
function onTcp(ports: number[], proto: string, summary: string, title: string, priority: number): void {
  declare(proto, title, []);
  TCP_PORT.add(ports, () => new NameApp(proto, summary), { priority });
}

// (priorities keep the choice tshark makes when both ports name a protocol)
declare('db-lsp-disc', 'Dropbox LAN sync Discovery Protocol', []);
UDP_PORT.add([17500], (ctx, _st, off, end) => {
  nameOnly(ctx, 'db-lsp-disc', 'DB-LSP-DISC', off, end);
  if (ctx.d[off] === 0x7b) nameOnly(ctx, 'json', 'JSON', off, end);
}, { priority: 60, both: true });

onTcp([1723], 'pptp', 'PPTP', 'Point-to-Point Tunnelling Protocol', 60);
onTcp([23], 'telnet', 'TELNET', 'Telnet', 70);
onTcp([179], 'bgp', 'BGP', 'Border Gateway Protocol', 70);

declare('pppoed', 'PPP-over-Ethernet Discovery', []);
ETHERTYPE.add(0x8863, (ctx, _st, off, end) => nameOnly(ctx, 'pppoed', 'PPPoED', off, end, 'PPPoE Discovery'));
declare('lldp', 'Link Layer Discovery Protocol', []);
ETHERTYPE.add(0x88cc, (ctx, _st, off, end) => nameOnly(ctx, 'lldp', 'LLDP', off, end, 'LLDP'));

declare('lcp', 'PPP Link Control Protocol', []);
PPP_PROTOCOL.add(0xc021, (ctx, _st, off, end) => nameOnly(ctx, 'lcp', 'PPP LCP', off, end, 'Configuration Request'));
