// Beaconing: connections to one external host every 30 s ± 10% are named
// with their period and jitter, and the filter selects exactly their SYNs
// (a retransmitted SYN included, not counted as a connection). A person
// browsing the same host at irregular times, and a regular poll of an
// allowed destination, raise nothing. Over UDP: check-ins to one host and
// port with jitter (a new socket each time, or one kept open, retries
// inside a burst) are beaconing, and the filter selects exactly their
// datagrams (not an ICMP error quoting one); NTP polling, a resolver's
// periodic queries, mDNS announcements, a continuous stream and the
// answers of the polled side raise nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../../lib/rng';
import { inetChecksum } from '../../../lib/checksum';
import { SYN, Scenario, dnsQuery, dnsResponse, ipv4, tcp, udp } from '../craft';
import { framesMatching, runScenario } from '../pipeline';

const T0 = 1_760_000_000;

test('connections every 30 s with 10% jitter are beaconing', async () => {
  const rnd = mulberry32(30);
  const s = new Scenario();
  const host = '198.18.80.2', c2 = '198.19.80.9';
  const syns: number[] = [];
  let t = T0;
  for (let i = 0; i < 20; i++) {
    const c = s.connection(t, host, c2, 40000 + i, 443, {});
    syns.push(c.syn);
    if (i === 5) syns.push(s.ip(t + 1, tcp(host, c2, { sport: 40000 + i, dport: 443, flags: SYN, seq: 999 })));
    t += 30 * (0.9 + 0.2 * rnd());
  }
  const { path, alerts } = await runScenario('beacon', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['beaconing'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts[0];
  assert.equal(a.metrics.connections, 20);
  assert.ok(Math.abs(Number(a.metrics.periodSec) - 30) < 3, String(a.metrics.periodSec));
  assert.ok(Number(a.metrics.jitter) <= 0.2);
  assert.match(a.title, /^Beaconing from 198\.18\.80\.2 to 198\.19\.80\.9:443 every \d+\.\d s$/);
  assert.deepEqual(await framesMatching(path, a.filter), syns);
});

test('irregular browsing and an allowed regular poll raise nothing', async () => {
  const rnd = mulberry32(31);
  const s = new Scenario();
  let t = T0;
  for (let i = 0; i < 40; i++) {
    s.connection(t, '198.18.81.2', '198.19.81.9', 41000 + i, 443, {});
    // think time between pages: exponential, mean 40 s
    t += -40 * Math.log(1 - rnd()) + 1;
  }
  for (let i = 0; i < 30; i++) s.connection(t + 1 + i * 60, '198.18.81.3', '198.19.81.10', 42000 + i, 443, {});
  const { alerts } = await runScenario('beacon-benign', s, { beacon: { allowDestinations: ['198.19.81.10'] } });
  assert.deepEqual(alerts.map((a) => a.title), []);
});

/** An ICMP destination-unreachable (port) from `router` quoting the first 28 bytes of `quoted`. */
function icmpUnreachable(router: string, to: string, quoted: number[]): number[] {
  const body = [3, 3, 0, 0, 0, 0, 0, 0, ...quoted.slice(0, 28)];
  const c = inetChecksum(body);
  body[2] = c >> 8; body[3] = c & 255;
  return ipv4(router, to, 1, body);
}

test('UDP check-ins every 20 s with 15% jitter are beaconing, on a new socket each time or on one', async () => {
  const rnd = mulberry32(32);
  const s = new Scenario();
  const host = '198.18.82.2', c2 = '198.19.82.9';
  const host2 = '198.18.82.3', c2b = '198.19.82.10';
  const sent: number[] = [], sent2: number[] = [];
  let t = T0;
  for (let i = 0; i < 24; i++) {
    const payload = [...Buffer.from(`beacon ${i} ${'x'.repeat(20)}`)];
    sent.push(s.ip(t, udp(host, c2, 50000 + i, 8443, payload)));
    // the server's answer: datagrams the other way are not check-ins
    s.ip(t + 0.05, udp(c2, host, 8443, 50000 + i, [1, 2, 3, 4]), '02:00:00:00:00:02', '02:00:00:00:00:01');
    if (i === 3) {
      // a retry inside the burst, and a router's ICMP error quoting it (its inner header matches no UDP filter clause)
      const retry = udp(host, c2, 50000 + i, 8443, payload);
      sent.push(s.ip(t + 0.3, retry));
      s.ip(t + 0.31, icmpUnreachable('198.19.82.1', host, retry), '02:00:00:00:00:02', '02:00:00:00:00:01');
    }
    // a second implant keeps one socket open (same source port every time)
    sent2.push(s.ip(t + 1.5, udp(host2, c2b, 41000, 9999, payload)));
    // ... and its server answers to that one port, as regularly: answers, not a second beacon
    s.ip(t + 1.55, udp(c2b, host2, 9999, 41000, [5, 6, 7, 8]), '02:00:00:00:00:02', '02:00:00:00:00:01');
    t += 20 * (0.85 + 0.3 * rnd());
  }
  const { path, alerts } = await runScenario('beacon-udp', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['beaconing', 'beaconing'], JSON.stringify(alerts.map((a) => a.title)));
  const a = alerts.find((x) => x.endpoints[0].address === host)!;
  assert.match(a.title, /^Beaconing from 198\.18\.82\.2 to 198\.19\.82\.9:8443\/udp every \d+\.\d s$/);
  assert.equal(a.metrics.transport, 'udp');
  assert.equal(a.metrics.bursts, 24, 'the retry is part of its burst');
  assert.equal(a.metrics.datagrams, 25);
  assert.ok(Math.abs(Number(a.metrics.periodSec) - 20) < 3, String(a.metrics.periodSec));
  assert.ok(Number(a.metrics.jitter) <= 0.2, String(a.metrics.jitter));
  assert.deepEqual(await framesMatching(path, a.filter), sent);
  const b = alerts.find((x) => x.endpoints[0].address === host2)!;
  assert.equal(b.metrics.bursts, 24);
  assert.deepEqual(await framesMatching(path, b.filter), sent2);
});

test('NTP polling, periodic resolver queries, mDNS, a continuous UDP stream and the polled side answering raise nothing', async () => {
  const s = new Scenario();
  const host = '198.18.83.2', ntp = '198.19.83.123', resolver = '198.19.83.53', game = '198.19.83.77';
  const ntpClient = [0x23, ...new Array(47).fill(0)];
  let t = T0;
  for (let i = 0; i < 40; i++) {
    // ntpd/chrony polling every 64 s, exactly
    s.ip(t, udp(host, ntp, 123, 123, ntpClient));
    s.ip(t + 0.02, udp(ntp, host, 123, 123, [0x24, ...new Array(47).fill(0)]), '02:00:00:00:00:02', '02:00:00:00:00:01');
    // a monitoring script resolving the same name every 16 s (four per NTP poll)
    for (let k = 0; k < 4; k++) {
      const q = t + 1 + k * 16;
      s.ip(q, udp(host, resolver, 30000 + i * 4 + k, 53, dnsQuery(i * 4 + k, 'status.example.com')));
      s.ip(q + 0.01, udp(resolver, host, 53, 30000 + i * 4 + k, dnsResponse(i * 4 + k, 'status.example.com', ['198.19.83.80'])), '02:00:00:00:00:02', '02:00:00:00:00:01');
      // mDNS announcements to the group
      s.ip(q + 2, udp(host, '224.0.0.251', 5353, 5353, dnsQuery(0, 'printer.local')));
    }
    t += 64;
  }
  // a game's continuous stream: 20 datagrams a second for 10 minutes is one burst, not a beacon
  const start = t + 1;
  for (let k = 0; k < 20 * 600; k++) s.ip(start + k * 0.05, udp(host, game, 45000, 27015, [k & 255, 1, 2, 3]));
  const { alerts } = await runScenario('beacon-udp-benign', s);
  assert.deepEqual(alerts.filter((a) => a.kind === 'beaconing').map((a) => a.title), []);
});
