// DNS tunnelling: hundreds of long random names under one domain (NULL
// records, as iodine asks) are one dns-tunnel alert whose filter selects
// exactly those queries; DNSBL lookups, a browser's ordinary lookups and a
// CDN's short hashed names raise nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../../lib/rng';
import { entropy, registeredDomain } from '../../../../main/engine/insights/detectors/dns-tunnel';
import { MAC_A, MAC_B, Scenario, dnsQuery, dnsResponse, udp } from '../craft';
import { framesMatching, runScenario } from '../pipeline';

const T0 = 1_760_000_000;
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

function query(id: number, name: string, qtype = 1): number[] {
  const q = dnsQuery(id, name);
  q[q.length - 3] = qtype;
  return q;
}

test('registered domains and entropy', () => {
  assert.equal(registeredDomain('a.b.example.com'), 'example.com');
  assert.equal(registeredDomain('x.y.example.co.uk'), 'example.co.uk');
  assert.equal(registeredDomain('localhost'), 'localhost');
  assert.equal(entropy('aaaa'), 0);
  assert.equal(entropy('abcd'), 2);
});

test('300 long random NULL queries under one domain are DNS tunnelling, and the filter selects exactly them', async () => {
  const rnd = mulberry32(20);
  const s = new Scenario();
  const client = '198.18.70.2', resolver = '198.18.70.1';
  const queries: number[] = [];
  for (let i = 0; i < 300; i++) {
    const label = () => Array.from({ length: 50 }, () => B32[Math.floor(rnd() * 32)]).join('');
    const name = `${label()}.${label().slice(0, 30)}.t.Tunnel-Example.com`;
    const t = T0 + i * 0.2;
    queries.push(s.ip(t, udp(client, resolver, 40000 + (i % 100), 53, query(i, name, 10))));
    s.ip(t + 0.01, udp(resolver, client, 53, 40000 + (i % 100), dnsResponse(i, name, [])), MAC_B, MAC_A);
    // ordinary lookups by the same client in between: other domains
    if (i % 30 === 0) s.ip(t + 0.05, udp(client, resolver, 41000, 53, query(1000 + i, 'www.example.org')));
  }
  const { path, alerts } = await runScenario('dns-tunnel', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['dns-tunnel'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.equal(a.title, `DNS tunnelling from ${client} via tunnel-example.com (300 names)`);
  assert.equal(a.metrics.txtNullQueries, 300);
  assert.ok(Number(a.metrics.meanEntropy) > 4, String(a.metrics.meanEntropy));
  assert.equal(a.severity, 'medium');
  assert.deepEqual(await framesMatching(path, a.filter), queries);
});

test('DNSBL lookups, ordinary browsing and CDN names raise nothing', async () => {
  const rnd = mulberry32(21);
  const s = new Scenario();
  const mta = '198.18.71.2', browser = '198.18.71.3', resolver = '198.18.71.1';
  for (let i = 0; i < 400; i++) {
    const t = T0 + i * 0.5;
    const ip = [1, 2, 3, 4].map(() => Math.floor(rnd() * 256));
    s.ip(t, udp(mta, resolver, 30000 + (i % 500), 53, query(i, `${ip.reverse().join('.')}.zen.spamhaus.org`)));
    s.ip(t + 0.1, udp(browser, resolver, 31000 + (i % 500), 53, query(i, `www.site${i}.example`)));
    s.ip(t + 0.2, udp(browser, resolver, 32000 + (i % 500), 53, query(i, `e${Math.floor(rnd() * 99999)}.dscb.akamaiedge.net`)));
  }
  const { alerts } = await runScenario('dns-benign', s);
  assert.deepEqual(alerts.map((a) => a.title), []);
});
