// The user name a client logs in as, from whichever decoder sees it, in
// Wireshark's fields: FTP `USER` (ftp.request.arg), an LDAP simple bind's
// DN (ldap.name in a bindRequest), Kerberos (kerberos.CNameString of an
// AS-REQ, or of the KRB-ERROR answering it), NTLMSSP (ntlmssp.auth.domain \
// ntlmssp.auth.username, inside SMB, HTTP, CredSSP, ...), and HTTP Basic
// (the user part of http.authorization). One function, so the login
// detectors and the Endpoints table (users per host) read user names alike;
// a decoder that lands later is one more case here.
import type { Dissection, FieldValue } from '../types';

/** The layers whose frames can carry a user name (the caller skips other frames cheaply). */
export const LOGIN_USER_LAYERS: ReadonlySet<string> = new Set(['ftp', 'ldap', 'kerberos', 'ntlmssp', 'http']);

const str = (v: FieldValue): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** The user name a frame names for a login, or null (a frame without one, or an anonymous/NULL session). */
export function loginUser(d: Dissection): string | null {
  let ftpUser = false, ftpArg: string | null = null, ldapBind = false, ldapName: string | null = null;
  let krb: string | null = null, ntlmUser: string | null = null, ntlmDomain: string | null = null, basic: string | null = null;
  for (const fd of d.fields) {
    switch (fd.name) {
      case 'ftp.request.command': ftpUser = typeof fd.value === 'string' && fd.value.toUpperCase() === 'USER'; break;
      case 'ftp.request.arg': if (ftpUser) ftpArg ??= str(fd.value); break;
      case 'ldap.bindRequest_element': ldapBind = true; break;
      case 'ldap.name': if (ldapBind) ldapName ??= str(fd.value); break;
      case 'kerberos.CNameString': krb ??= str(fd.value); break;
      case 'ntlmssp.auth.username': ntlmUser ??= str(fd.value); break;
      case 'ntlmssp.auth.domain': ntlmDomain ??= str(fd.value); break;
      case 'http.authorization': basic ??= basicUser(fd.value); break;
    }
  }
  if (ftpArg !== null) return ftpArg;
  if (ldapName !== null) return ldapName;
  if (ntlmUser !== null) return ntlmDomain !== null && ntlmDomain !== 'NULL' ? `${ntlmDomain}\\${ntlmUser}` : ntlmUser;
  if (krb !== null) return krb;
  return basic;
}

function basicUser(v: FieldValue): string | null {
  if (typeof v !== 'string') return null;
  const m = /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(v);
  if (!m) return null;
  const plain = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = plain.indexOf(':');
  return colon > 0 ? plain.slice(0, colon) : null;
}
