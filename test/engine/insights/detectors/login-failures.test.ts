// Brute force from decoded login failures: 200 POSTs to /login answered 401
// are one HTTP brute-force alert (not also a form-post one) whose filter
// selects exactly the 401s; 30 POSTs to a login form answered 200 are a form
// brute force. Look-alikes raise nothing: a user mistyping a password three
// times, a REST client POSTing to /api/items, a browser's basic-auth
// challenge per page. The decoders for FTP/Kerberos/LDAP/SMB land elsewhere:
// their rules are fed decoded fields directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InsightsEngine } from '../../../../main/engine/insights';
import type { Dissection, Field } from '../../../../main/engine/types';
import { createDissector } from '../../../../main/engine/insights/file';
import { ipv4 } from '../craft';
import { MAC_A, MAC_B, Scenario, httpResponse } from '../craft';
import { framesMatching, runScenario } from '../pipeline';

const T0 = 1_760_000_000;
const post = (uri: string, body = 'user=admin&password=guess') =>
  [...Buffer.from(`POST ${uri} HTTP/1.1\r\nHost: 198.18.60.3\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`)];

test('200 login POSTs answered 401 are one HTTP brute-force alert selecting exactly the 401s', async () => {
  const s = new Scenario();
  const attacker = '198.18.60.2', server = '198.18.60.3';
  const unauthorized: number[] = [];
  for (let i = 0; i < 200; i++) {
    const c = s.connection(T0 + i * 0.3, attacker, server, 30000 + i, 80, { request: post('/login'), response: httpResponse(401, 'denied') });
    unauthorized.push(c.frames[4]);
  }
  const { path, alerts } = await runScenario('http-brute', s);
  assert.deepEqual(alerts.map((a) => a.title), [`Brute force against HTTP on ${server} from ${attacker} (200 failed logins)`]);
  const a = alerts[0];
  assert.equal(a.severity, 'medium');
  assert.equal(a.thresholds[0].setting, 'loginFailures.minFailures');
  assert.deepEqual(await framesMatching(path, a.filter), unauthorized);
});

test('30 POSTs to a login form answered 200 are a form brute force', async () => {
  const s = new Scenario();
  const posts: number[] = [];
  for (let i = 0; i < 30; i++) {
    const c = s.connection(T0 + i, '198.18.61.2', '198.18.61.3', 31000 + i, 80, { request: post('/wp-login.php'), response: httpResponse(200, 'wrong password') });
    posts.push(c.frames[3]);
  }
  const { path, alerts } = await runScenario('form-brute', s);
  assert.deepEqual(alerts.map((a) => [a.kind, a.metrics.service, a.metrics.attempts]), [['brute-force', 'HTTP form', 30]]);
  assert.deepEqual(await framesMatching(path, alerts[0].filter), posts);
});

test('a mistyped password, a REST client and basic-auth challenges raise nothing', async () => {
  const s = new Scenario();
  let t = T0;
  for (let i = 0; i < 3; i++) s.connection((t += 5), '198.18.62.2', '198.18.62.3', 32000 + i, 80, { request: post('/login'), response: httpResponse(401) });
  for (let i = 0; i < 50; i++) s.connection((t += 1), '198.18.62.4', '198.18.62.3', 33000 + i, 80, { request: post('/api/items', '{"a":1}'), response: httpResponse(200) });
  for (let i = 0; i < 8; i++) s.connection((t += 20 + 7 * (i % 3)), '198.18.62.5', '198.18.62.3', 34000 + i, 80, { request: post('/page'), response: httpResponse(i % 2 ? 200 : 401) });
  const { alerts } = await runScenario('login-benign', s);
  assert.deepEqual(alerts.map((a) => a.title), []);
});

test('decoded FTP 530, Kerberos 24, LDAP 49 and SMB2 logon failures each count toward a brute force', () => {
  // one real frame's dissection per packet, with the decoded failure field of each protocol added as its decoder would
  const dissector = createDissector();
  const cases: Array<[string, string, number | bigint, number]> = [
    ['ftp', 'ftp.response.code', 530, 21], ['kerberos', 'kerberos.error_code', 24, 88], ['ldap', 'ldap.resultCode', 49, 389], ['smb2', 'smb2.nt_status', 0xc000006d, 445],
  ];
  for (const [layer, field, value, port] of cases) {
    const engine = new InsightsEngine();
    for (let i = 0; i < 12; i++) {
      const bytes = [...MAC_A.split(':'), ...MAC_B.split(':')].map((h) => parseInt(h, 16));
      const frame = [...bytes, 0x08, 0x00, ...ipv4('198.18.63.3', '198.18.63.2', 17, [0, port, 0x9c, 0x40, 0, 12, 0, 0, 1, 2, 3, 4])];
      const d: Dissection = dissector.dissect({ number: i + 1, tsNs: BigInt(T0 + i) * 1_000_000_000n, linkType: 1, data: Uint8Array.from(frame), capLen: frame.length, origLen: frame.length, interfaceId: 0 });
      const node: Field = { name: layer, value: null, start: 42, len: 4 };
      d.tree.push(node);
      d.fields.push(node, { name: field, value, start: 42, len: 4 });
      engine.add(d);
    }
    engine.finish();
    const a = engine.alerts().filter((x) => x.kind === 'brute-force');
    assert.equal(a.length, 1, `${layer}: ${JSON.stringify(engine.alerts().map((x) => x.title))}`);
    assert.equal(a[0].metrics.attempts, 12, layer);
    assert.match(a[0].filter, new RegExp(`^ip\\.src == 198\\.18\\.63\\.3 && ip\\.dst == 198\\.18\\.63\\.2 && ${field.replace(/\./g, '\\.')} `), layer);
  }
});
