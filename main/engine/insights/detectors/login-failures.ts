// Brute force from what the decoders say about logins: failed
// authentications from one server to one client, per service, over a
// tumbling `windowSec` window — HTTP 401/403, FTP 530, SMTP 535, Kerberos
// KDC_ERR_PREAUTH_FAILED (24), LDAP bind invalidCredentials (49), SMB/SMB2
// STATUS_LOGON_FAILURE — and repeated HTTP form POSTs to a login-like URI
// (answered 200 with an error page, which no status code betrays). Each rule
// is a field test in Wireshark's names, so a protocol whose decoder lands
// later is covered the day it does; services where every login is a
// connection and nothing is readable (SSH, RDP) are the connection pattern's
// (connections.ts).
//
// Password spraying is its own alert: per client and service, over the same
// window, the failures from every server, attributed to the user name the
// client last logged in as with that server (logins.ts, the reader Endpoints
// uses too: FTP USER, LDAP bind DN, Kerberos cname, NTLMSSP, RDP and SMB
// DOMAIN\\user, HTTP Basic). One source trying many
// user names a few times each (`sprayMinUsers` names, at most
// `sprayMaxTriesPerUser` failures per name on average), or failing on many
// servers (`sprayMinTargets`), sprays; a brute force between the same
// client and server that the spray holds is not reported twice.
import type { Dissection, FieldValue } from '../../types';
import type { Alert } from '../alert';
import { addrEq, frameRange, grade, quote } from '../alert';
import type { DetectorDef, LimitSettings } from '../detector';
import { WindowedDetector } from '../windowed';
import { CappedSet, LruMap } from '../sketch';
import { LOGIN_LAYERS, loginName, loginsOf } from '../logins';
import type { PacketFacts } from '../facts';
import type { InsightsSettings } from '../../../api/insights';

export type LoginFailureSettings = InsightsSettings['loginFailures'];

export const loginFailures: DetectorDef<{ loginFailures: LoginFailureSettings }, 'brute-force' | 'password-spray'> = {
  id: 'login-failures',
  kinds: ['brute-force', 'password-spray'],
  defaults: () => ({
    loginFailures: {
      enabled: true, windowSec: 300, minFailures: 10, minFormPosts: 20,
      loginUriPattern: '(login|logon|signin|sign-in|sign_in|auth|session|wp-login|passw|token|account)',
      sprayMinUsers: 10, sprayMaxTriesPerUser: 3, sprayMinTargets: 5,
    },
  }),
  create: ({ settings, maxAlerts }) => new LoginFailureDetector(settings, maxAlerts),
};

interface Rule {
  service: string;
  /** the layer that carries the field (only frames with it are read) */
  layer: string;
  field: string;
  values: number[];
  /** the filter clause selecting exactly these frames */
  clause: string;
  what: string;
}

const STATUS_LOGON_FAILURE = 0xc000006d;
const RULES: Rule[] = [
  { service: 'HTTP', layer: 'http', field: 'http.response.code', values: [401, 403], clause: 'http.response.code in {401, 403}', what: 'HTTP 401/403 responses' },
  { service: 'FTP', layer: 'ftp', field: 'ftp.response.code', values: [530], clause: 'ftp.response.code == 530', what: 'FTP 530 (not logged in) replies' },
  { service: 'SMTP', layer: 'smtp', field: 'smtp.response.code', values: [535], clause: 'smtp.response.code == 535', what: 'SMTP 535 (authentication failed) replies' },
  { service: 'Kerberos', layer: 'kerberos', field: 'kerberos.error_code', values: [24], clause: 'kerberos.error_code == 24', what: 'Kerberos KDC_ERR_PREAUTH_FAILED errors' },
  { service: 'LDAP', layer: 'ldap', field: 'ldap.resultCode', values: [49], clause: 'ldap.resultCode == 49', what: 'LDAP invalidCredentials (49) results' },
  { service: 'SMB2', layer: 'smb2', field: 'smb2.nt_status', values: [STATUS_LOGON_FAILURE], clause: 'smb2.nt_status == 0xc000006d', what: 'SMB2 STATUS_LOGON_FAILURE responses' },
  { service: 'SMB', layer: 'smb', field: 'smb.nt_status', values: [STATUS_LOGON_FAILURE], clause: 'smb.nt_status == 0xc000006d', what: 'SMB STATUS_LOGON_FAILURE responses' },
];
const RULE_BY_LAYER = new Map(RULES.map((r) => [r.layer, r]));

interface Win {
  id: string | null;
  client: string;
  server: string;
  /** the rule, or null for HTTP form posts */
  rule: Rule | null;
  uri: string;
  start: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  count: number;
  bytes: number;
}

interface Spray {
  id: string | null;
  client: string;
  rule: Rule;
  start: number;
  lastTs: number;
  firstFrame: number;
  lastFrame: number;
  failures: number;
  bytes: number;
  /** user name → failures; '' for failures no user name could be attributed to */
  users: Map<string, number>;
  servers: CappedSet<string>;
  /** what crossed: many user names, or many servers */
  by: 'users' | 'targets' | null;
}

const MAX_USERS = 256;

const num = (v: FieldValue): number => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : NaN);

export class LoginFailureDetector extends WindowedDetector<Win> {
  private readonly loginUri: RegExp;

  /** the user name each client last logged in as with each server (`client|server`) */
  private readonly lastUser: LruMap<string, string>;
  /** password-spray windows per client and service */
  private readonly sprays: LruMap<string, Spray>;
  private readonly spraysDone: Alert[] = [];

  constructor(private readonly s: { loginFailures: LoginFailureSettings; limits: LimitSettings }, maxAlerts: number) {
    super(s.limits.maxSources, maxAlerts);
    this.loginUri = new RegExp(s.loginFailures.loginUriPattern, 'i');
    this.lastUser = new LruMap(s.limits.maxSources * 4);
    this.sprays = new LruMap(s.limits.maxSources, (_k, w) => this.retireSpray(w));
  }

  add(f: PacketFacts, d: Dissection): void {
    if (!this.s.loginFailures.enabled || f.src === undefined || f.dst === undefined || Number.isNaN(f.ts) || f.payloadLen === 0) return;
    const tree = d.tree;
    let rule: Rule | undefined, userLayer = false;
    for (let i = 1; i < tree.length; i++) {
      const name = tree[i].name;
      // user names travel in requests (an HTTP response names none)
      if (LOGIN_LAYERS.has(name) && (name !== 'http' || f.httpRequest)) userLayer = true;
      rule ??= RULE_BY_LAYER.get(name);
    }
    if (rule === undefined && !userLayer) return;
    // a frame naming a user: its client logs in as it with the other side (the failure comes back from that server)
    const login = userLayer ? loginsOf(d)[0] : undefined;
    if (login !== undefined) this.lastUser.set(login.fromClient ? `${f.src}|${f.dst}` : `${f.dst}|${f.src}`, loginName(login));
    if (rule === undefined) return;
    if (rule.layer === 'http' && f.httpRequest) { this.formPost(f, d); return; }
    let failed = false;
    for (const fd of d.fields) if (fd.name === rule.field && rule.values.includes(num(fd.value))) { failed = true; break; }
    if (!failed) return;
    // a failure travels from the server to the client
    this.count(`${f.dst}|${f.src}|${rule.service}`, f, f.dst, f.src, rule, '');
    this.spray(f, rule, f.dst, f.src, this.lastUser.get(`${f.dst}|${f.src}`) ?? '');
  }

  private spray(f: PacketFacts, rule: Rule, client: string, server: string, user: string): void {
    const c = this.s.loginFailures;
    const key = `${client}|${rule.service}`;
    let w = this.sprays.touch(key);
    if (w !== undefined && (w.id !== null ? f.ts - w.lastTs > c.windowSec : f.ts - w.start > c.windowSec)) { this.retireSpray(w); w = undefined; }
    if (w === undefined) {
      w = { id: null, client, rule, start: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame, failures: 0, bytes: 0, users: new Map(), servers: new CappedSet(256), by: null };
      this.sprays.set(key, w);
    }
    w.failures++;
    w.bytes += f.len;
    w.lastTs = f.ts;
    w.lastFrame = f.frame;
    w.servers.add(server);
    if (w.users.has(user) || w.users.size < MAX_USERS) w.users.set(user, (w.users.get(user) ?? 0) + 1);
    if (w.id !== null) return;
    const named = this.namedUsers(w);
    if (named >= c.sprayMinUsers && w.failures / named <= c.sprayMaxTriesPerUser) w.by = 'users';
    else if (w.servers.size >= c.sprayMinTargets) w.by = 'targets';
    if (w.by !== null) w.id = `password-spray:${key}:${++this.seq}`;
  }

  private namedUsers(w: Spray): number {
    return w.users.size - (w.users.has('') ? 1 : 0);
  }

  private retireSpray(w: Spray): void {
    if (w.id !== null && this.spraysDone.length < this.maxAlerts) this.spraysDone.push(this.sprayAlert(w, false));
    w.id = null;
  }

  private formPost(f: PacketFacts, d: Dissection): void {
    let method: FieldValue | undefined, uri: FieldValue | undefined;
    for (const fd of d.fields) {
      if (fd.name === 'http.request.method') method ??= fd.value;
      else if (fd.name === 'http.request.uri') uri ??= fd.value;
    }
    if (method !== 'POST' || typeof uri !== 'string' || !this.loginUri.test(uri.split('?')[0])) return;
    this.count(`${f.src}|${f.dst}|POST ${uri}`, f, f.src as string, f.dst as string, null, uri);
  }

  private count(key: string, f: PacketFacts, client: string, server: string, rule: Rule | null, uri: string): void {
    const c = this.s.loginFailures;
    let w = this.wins.touch(key);
    if (w !== undefined && (w.id !== null ? f.ts - w.lastTs > c.windowSec : f.ts - w.start > c.windowSec)) { this.retire(w); w = undefined; }
    if (w === undefined) {
      w = { id: null, client, server, rule, uri, start: f.ts, lastTs: f.ts, firstFrame: f.frame, lastFrame: f.frame, count: 0, bytes: 0 };
      this.wins.set(key, w);
    }
    w.count++;
    w.bytes += f.len;
    w.lastTs = f.ts;
    w.lastFrame = f.frame;
    if (w.id === null && w.count >= (rule ? c.minFailures : c.minFormPosts)) w.id = `brute-force:${rule ? rule.service : 'form'}:${client}>${server}:${++this.seq}`;
  }

  override alerts(): Alert[] {
    const all = super.alerts();
    // form posts answered 401 are already counted as failures: one alert is enough
    const failures = all.filter((a) => a.metrics.service === 'HTTP');
    const sprays = this.spraysDone.slice();
    for (const w of this.sprays.map.values()) if (w.id !== null) sprays.push(this.sprayAlert(w, !this.isFlushed));
    // a spray over many user names holds the failures between its client and each server: not also a brute force each
    const overUsers = sprays.filter((x) => x.metrics.crossed === 'users');
    return all.filter((a) => (a.metrics.service !== 'HTTP form' || !failures.some((x) =>
      x.endpoints[0].address === a.endpoints[0].address && x.endpoints[1].address === a.endpoints[1].address && x.firstFrame <= a.lastFrame && x.lastFrame >= a.firstFrame)) &&
      !overUsers.some((x) => x.endpoints[0].address === a.endpoints[0].address && x.metrics.service === a.metrics.service && x.firstFrame <= a.firstFrame && x.lastFrame >= a.lastFrame))
      .concat(sprays);
  }

  private sprayAlert(w: Spray, ongoing: boolean): Alert {
    const c = this.s.loginFailures;
    const secs = Math.max(w.lastTs - w.start, 0);
    const named = this.namedUsers(w);
    const users = [...w.users.entries()].filter(([u]) => u !== '').sort((a, b) => b[1] - a[1]);
    const servers = [...w.servers.items];
    const perUser = named ? w.failures / named : w.failures;
    const svc = w.rule.service;
    const byUsers = w.by === 'users';
    return {
      id: w.id as string,
      kind: 'password-spray',
      severity: grade('low', { magnitude: named >= 10 * c.sprayMinUsers || w.servers.size >= 10 * c.sprayMinTargets, persistence: secs >= 600, harm: false }),
      title: byUsers
        ? `Password spraying from ${w.client} against ${svc}: ${named} user names, ${perUser.toFixed(1)} failures each${w.servers.size > 1 ? ` on ${w.servers.label()} servers` : ` on ${servers[0]}`}`
        : `Password spraying from ${w.client} against ${svc} on ${w.servers.label()} servers (${w.failures} failed logins)`,
      detail: `${w.client} failed ${w.failures} ${svc} logins in ${secs.toFixed(1)} s on ${w.servers.label()} server${w.servers.size === 1 ? '' : 's'} (${servers.slice(0, 5).join(', ')}${servers.length > 5 ? ', …' : ''})` +
        (named ? ` as ${named} user name${named === 1 ? '' : 's'} (${users.slice(0, 8).map(([u, n]) => `${u} ×${n}`).join(', ')}${users.length > 8 ? ', …' : ''})` : ', user names not visible'),
      firstTs: w.start, lastTs: w.lastTs, firstFrame: w.firstFrame, lastFrame: w.lastFrame,
      endpoints: [{ role: 'source', address: w.client, packets: w.failures }, ...servers.slice(0, 5).map((a) => ({ role: 'target' as const, address: a }))],
      metrics: {
        service: svc, failures: w.failures, distinctUsers: named, triesPerUser: +perUser.toFixed(2), distinctTargets: w.servers.size,
        users: users.slice(0, 20).map(([u]) => u).join(', '), durationSec: +secs.toFixed(3), crossed: w.by ?? '',
      },
      thresholds: byUsers
        ? [
          { metric: `user names failing ${svc} logins from one client in ${c.windowSec} s`, observed: named, threshold: c.sprayMinUsers, setting: 'loginFailures.sprayMinUsers' },
          { metric: 'failures per user name (at most)', observed: +perUser.toFixed(2), threshold: c.sprayMaxTriesPerUser, setting: 'loginFailures.sprayMaxTriesPerUser' },
        ]
        : [{ metric: `servers where one client failed ${svc} logins in ${c.windowSec} s`, observed: w.servers.size, threshold: c.sprayMinTargets, setting: 'loginFailures.sprayMinTargets' }],
      filter: `${addrEq('dst', w.client)} && ${w.rule.clause} && ${frameRange(w.firstFrame, w.lastFrame)}`,
      packets: w.failures,
      bytes: w.bytes,
      ongoing,
    };
  }

  protected toAlert(w: Win, ongoing: boolean): Alert {
    const c = this.s.loginFailures;
    const secs = Math.max(w.lastTs - w.start, 0);
    const min = w.rule ? c.minFailures : c.minFormPosts;
    const svc = w.rule ? w.rule.service : 'HTTP form';
    const what = w.rule ? w.rule.what : `POSTs to ${w.uri}`;
    const filter = w.rule
      ? `${addrEq('src', w.server)} && ${addrEq('dst', w.client)} && ${w.rule.clause} && ${frameRange(w.firstFrame, w.lastFrame)}`
      : `${addrEq('src', w.client)} && ${addrEq('dst', w.server)} && http.request.method == "POST" && http.request.uri == ${quote(w.uri)} && ${frameRange(w.firstFrame, w.lastFrame)}`;
    return {
      id: w.id as string,
      kind: 'brute-force',
      severity: grade('low', { magnitude: w.count >= 10 * min, persistence: secs >= 600, harm: false }),
      title: `Brute force against ${svc} on ${w.server} from ${w.client} (${w.count} ${w.rule ? 'failed logins' : 'login form posts'})`,
      detail: `${w.rule ? `${w.server} sent ${w.client}` : `${w.client} sent ${w.server}`} ${w.count} ${what} in ${secs.toFixed(1)} s (${(w.count / Math.max(secs, 1)).toFixed(2)}/s)`,
      firstTs: w.start, lastTs: w.lastTs, firstFrame: w.firstFrame, lastFrame: w.lastFrame,
      endpoints: [{ role: 'source', address: w.client, packets: w.count }, { role: 'target', address: w.server }],
      metrics: { service: svc, attempts: w.count, durationSec: +secs.toFixed(3), ...(w.uri ? { uri: w.uri } : {}) },
      thresholds: [{ metric: `${what} between one client and one server in ${c.windowSec} s`, observed: w.count, threshold: min, setting: w.rule ? 'loginFailures.minFailures' : 'loginFailures.minFormPosts' }],
      filter,
      packets: w.count,
      bytes: w.bytes,
      ongoing,
    };
  }
}
