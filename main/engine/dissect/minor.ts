// Protocols we recognise but do not decode field by field (DHCP, SSH,
// SMTP, PPTP, ...): they get a protocol layer (so frame.protocols and
// filters like `dhcp` work) spanning their bytes, and a summary name.
import type { Ctx } from './context';
import { declare } from './fields';

const KNOWN: Array<[string, string]> = [
  ['db-lsp-disc', 'Dropbox LAN sync Discovery Protocol'],
  ['json', 'JavaScript Object Notation'],
  ['xml', 'eXtensible Markup Language'],
  ['ssh', 'SSH Protocol'],
  ['smtp', 'Simple Mail Transfer Protocol'],
  ['pptp', 'Point-to-Point Tunnelling Protocol'],
  ['data-text-lines', 'Line-based text data'],
  ['urlencoded-form', 'HTML Form URL Encoded'],
  ['media', 'Media Type'],
  ['mime_multipart', 'MIME Multipart Media Encapsulation'],
  ['lcp', 'PPP Link Control Protocol'],
  ['ntp', 'Network Time Protocol'],
  ['nbns', 'NetBIOS Name Service'],
  ['syslog', 'Syslog message'],
  ['tftp', 'Trivial File Transfer Protocol'],
  ['dhcpv6', 'DHCPv6'],
  ['ssdp', 'Simple Service Discovery Protocol'],
  ['ftp', 'File Transfer Protocol (FTP)'],
  ['telnet', 'Telnet'],
  ['pop', 'Post Office Protocol'],
  ['imap', 'Internet Message Access Protocol'],
  ['nbss', 'NetBIOS Session Service'],
  ['bgp', 'Border Gateway Protocol'],
  ['resp', 'REdis Serialization Protocol'],
  ['sip', 'Session Initiation Protocol'],
  ['mysql', 'MySQL Protocol'],
  ['lldp', 'Link Layer Discovery Protocol'],
  ['stp', 'Spanning Tree Protocol'],
  ['cdp', 'Cisco Discovery Protocol'],
  ['pppoed', 'PPP-over-Ethernet Discovery'],
  ['pgsql', 'PostgreSQL'],
];
for (const [name, title] of KNOWN) declare(name, title, []);

export function nameOnly(ctx: Ctx, proto: string, summaryName: string, off: number, end: number, info?: string): void {
  ctx.layer(proto, off, Math.max(0, end - off));
  if (summaryName) ctx.protocol = summaryName;
  if (info !== undefined) ctx.info = info;
}
