// Logins seen in the traffic: who tried to log in to what, read from the
// dissection's fields in this one module, for Statistics → Endpoints (the
// user names seen for each host) and for the login detectors (brute force,
// password spraying: the user a failure is attributed to). An attempt is the
// message that carries the name; its outcome travels in a later packet of
// the same conversation (docs/INSIGHTS.md lists the fields that say so). A
// decoder that lands later is one more case here.
import type { Dissection, Field } from '../types';

export interface Login {
  /** the protocol that carried the name: ntlmssp, kerberos, ldap, ftp, http, rdp, smb */
  protocol: string;
  user: string;
  /** NTLM/RDP/SMB domain or Kerberos realm, '' when none was sent */
  domain: string;
  /**
   * whether the client is the packet's source (true: a request carrying the
   * name) or its destination (false: a Kerberos AS-REP, TGS-REP or KRB-ERROR
   * naming the client it answers)
   */
  fromClient: boolean;
}

/** Top-level layers that can carry a login: a packet without one costs one Set lookup per layer. */
export const LOGIN_LAYERS: ReadonlySet<string> = new Set(['ntlmssp', 'kerberos', 'ldap', 'ftp', 'http', 'rdp', 'smb']);

/** The logins a packet carries (usually none; at most a few). */
export function loginsOf(d: Dissection): Login[] {
  let any = false;
  for (const l of d.tree) if (LOGIN_LAYERS.has(l.name)) { any = true; break; }
  if (!any) return [];
  const v = new Map<string, Field[]>();
  for (const f of d.fields) {
    if (!WANTED.has(f.name)) continue;
    const list = v.get(f.name);
    if (list) list.push(f); else v.set(f.name, [f]);
  }
  const str = (name: string, i = 0): string => {
    const x = v.get(name)?.[i]?.value;
    return typeof x === 'string' ? x : '';
  };
  const out: Login[] = [];
  const push = (protocol: string, user: string, domain: string, fromClient = true): void => {
    // NTLM's anonymous AUTHENTICATE carries an empty name; 'NULL' is how the dissector shows none
    if (user && user !== 'NULL' && !out.some((o) => o.protocol === protocol && o.user === user && o.domain === domain)) out.push({ protocol, user, domain: domain === 'NULL' ? '' : domain, fromClient });
  };
  push('ntlmssp', str('ntlmssp.auth.username'), str('ntlmssp.auth.domain'));
  // Kerberos: AS-REQ (10) carries the client's name; AS-REP (11), TGS-REP (13)
  // and KRB-ERROR (30) name the client they answer (a TGS-REQ's names are in
  // its ticket). An error counts: it repeats the cname of the request it
  // refuses (RFC 4120 5.9.1), so a refused guess is seen, and attributed to
  // its user, even where the request was not captured.
  const krb = v.get('kerberos.msg_type')?.[0]?.value;
  if (krb === 10 || krb === 11 || krb === 13 || krb === 30) push('kerberos', str('kerberos.CNameString'), str('kerberos.crealm') || str('kerberos.realm'), krb === 10);
  if (v.get('ldap.protocolOp')?.some((f) => f.value === 0) && v.has('ldap.simple')) push('ldap', str('ldap.name'), '');
  const cmds = v.get('ftp.request.command') ?? [];
  cmds.forEach((c, i) => { if (typeof c.value === 'string' && c.value.toUpperCase() === 'USER') push('ftp', str('ftp.request.arg', i), ''); });
  for (const f of v.get('http.authbasic') ?? []) {
    const s = typeof f.value === 'string' ? f.value : '';
    const c = s.indexOf(':');
    push('http', c >= 0 ? s.slice(0, c) : s, '');
  }
  push('rdp', str('rdp.userName'), str('rdp.domain'));
  const cookie = /^Cookie: mstshash=(.+)$/.exec(str('rdp.rt_cookie'));
  if (cookie) {
    // the cookie holds the user name, sometimes DOMAIN\user, truncated by the client
    const [dom, user] = cookie[1].includes('\\') ? cookie[1].split('\\', 2) as [string, string] : ['', cookie[1]];
    push('rdp', user, dom);
  }
  push('smb', str('smb.account'), str('smb.primary_domain'));
  return out;
}

const WANTED = new Set([
  'ntlmssp.auth.username', 'ntlmssp.auth.domain', 'kerberos.msg_type', 'kerberos.CNameString', 'kerberos.crealm', 'kerberos.realm',
  'ldap.protocolOp', 'ldap.name', 'ldap.simple', 'ftp.request.command', 'ftp.request.arg', 'http.authbasic',
  'rdp.userName', 'rdp.domain', 'rdp.rt_cookie', 'smb.account', 'smb.primary_domain',
]);

/** The user a login names, as alerts show it: DOMAIN\\user where NTLM, RDP or SMB sent a domain, else the name alone. */
export function loginName(l: Login): string {
  return l.domain && l.protocol !== 'kerberos' ? `${l.domain}\\${l.user}` : l.user;
}

/** A login as Endpoints shows it: DOMAIN\user (or user@REALM for Kerberos), with the protocol. */
export function loginLabel(l: Login): string {
  const who = !l.domain ? l.user : l.protocol === 'kerberos' ? `${l.user}@${l.domain}` : `${l.domain}\\${l.user}`;
  return `${who} (${l.protocol})`;
}

/** hosts whose logins are kept, and names kept per host: Endpoints shows a few, not every one a brute force tried */
export const MAX_LOGIN_HOSTS = 100_000;
export const MAX_USERS_PER_HOST = 16;

/**
 * The user names seen for each host (the client that sent them), for
 * Statistics → Endpoints: bounded (MAX_LOGIN_HOSTS hosts, the first
 * MAX_USERS_PER_HOST names each; what is left out is counted).
 */
export class HostLogins {
  private readonly hosts = new Map<string, Map<string, number>>();
  overflow = 0;

  /** One packet: the logins it carries go to the client's address. */
  add(src: string | undefined, dst: string | undefined, d: Dissection): void {
    if (src === undefined || dst === undefined) return;
    const logins = loginsOf(d);
    for (const l of logins) {
      const host = l.fromClient ? src : dst;
      let users = this.hosts.get(host);
      if (!users) {
        if (this.hosts.size >= MAX_LOGIN_HOSTS) { this.overflow++; continue; }
        this.hosts.set(host, users = new Map());
      }
      const label = loginLabel(l);
      const n = users.get(label);
      if (n !== undefined) users.set(label, n + 1);
      else if (users.size < MAX_USERS_PER_HOST) users.set(label, 1);
      else this.overflow++;
    }
  }

  /** The names seen for an address, most attempts first; undefined when none. */
  usersOf(address: string): string[] | undefined {
    const u = this.hosts.get(address);
    if (!u || u.size === 0) return undefined;
    return [...u.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  }
}
