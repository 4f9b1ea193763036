// The block list's rules, without a capture: address parsing, what is
// protected (own addresses, loopback, link-local, gateways, any network
// holding one), allowing, TTL expiry, the optional rules and their
// bookkeeping, with a fake helper and a fake clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlockList, defaultGateways, parsePrefix, protectedPrefixes, protectionOf, type BlockTarget, type Prefix } from '../../../main/engine/block/index';
import { defaultSettings } from '../../../main/engine/insights/settings';
import type { Alert } from '../../../main/api/insights';

const P = (s: string): Prefix => { const p = parsePrefix(s); if (p instanceof Error) throw p; return p; };

// /proc/net/route: little-endian hex; the default route via 198.18.5.254 on veth0
const ROUTE4 = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
  'veth0\t00000000\tFE0512C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' +
  'veth0\t000512C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n';
// /proc/net/ipv6_route: default via 2001:db8::1 on veth0, and a connected route
const ROUTE6 = '00000000000000000000000000000000 00 00000000000000000000000000000000 00 20010db8000000000000000000000001 00000400 00000001 00000000 00000003    veth0\n' +
  '20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001    veth0\n';
const IFS = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  veth0: [
    { address: '198.18.5.2', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '198.18.5.2/24' },
    { address: '2001:db8::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: '2001:db8::2/64', scopeid: 0 },
  ],
} as never;
const protect = () => protectedPrefixes({ interfaces: IFS, routeV4: ROUTE4, routeV6: ROUTE6 });

class FakeHelper implements BlockTarget {
  readonly blocked = new Map<string, number>();
  calls: string[] = [];
  async block(prefix: string, ttl: number): Promise<string> { this.calls.push(`block ${prefix} ${ttl}`); this.blocked.set(prefix, ttl); return prefix; }
  async unblock(prefix: string): Promise<string> {
    this.calls.push(`unblock ${prefix}`);
    if (!this.blocked.delete(prefix)) throw new Error(`unblock: ${prefix} is not blocked`);
    return prefix;
  }
  async blocks() { return [...this.blocked].map(([prefix, ttl]) => ({ prefix, remainingSec: ttl, packets: 7, bytes: 700 })); }
}

function setup() {
  let now = 1_000_000;
  const list = new BlockList({ now: () => now, protect });
  const helper = new FakeHelper();
  return { list, helper, tick: (ms: number) => { now += ms; } };
}

function alert(id: string, kind: Alert['kind'], sources: string[]): Alert {
  return {
    id, kind, severity: 'high', title: `${kind} ${id}`, detail: '', firstTs: 0, lastTs: 0, firstFrame: 1, lastFrame: 2,
    endpoints: [{ role: 'target', address: '198.18.5.2' }, ...sources.map((address) => ({ role: 'source' as const, address }))],
    metrics: {}, thresholds: [], filter: '', packets: 1, bytes: 1, ongoing: true,
  };
}

describe('block list addresses', () => {
  it('parses hosts and networks canonically, clearing host bits; IPv4-mapped IPv6 is IPv4', () => {
    assert.equal(P('198.18.0.9').text, '198.18.0.9/32');
    assert.equal(P('198.18.7.9/24').text, '198.18.7.0/24');
    assert.equal(P('2001:DB8:0:0:0:0:0:1').text, '2001:db8::1/128');
    assert.equal(P('2001:db8:0:1:0:0:0:1').text, '2001:db8:0:1::1/128');
    assert.equal(P('2001:db8::1:0:0:1/128').text, '2001:db8::1:0:0:1/128');
    assert.equal(P('fe80::1:2:3:4/10').text, 'fe80::/10');
    assert.equal(P('::').text, '::/128');
    assert.equal(P('::ffff:198.18.0.1').text, '198.18.0.1/32');
    assert.equal(P('::ffff:198.18.0.0/112').text, '198.18.0.0/16');
    for (const bad of ['198.18.0.256', '198.18.0.1/33', '2001:db8::1/129', 'host.example', '1:2:3', '198.18.0.1/', '::ffff:1.2.3.4/64', 'fe80::1%eth0']) {
      assert.ok(parsePrefix(bad) instanceof Error, bad);
    }
  });

  it('reads the default gateways from /proc/net/route and /proc/net/ipv6_route', () => {
    assert.deepEqual(defaultGateways(ROUTE4, ROUTE6), [
      { address: '198.18.5.254', iface: 'veth0' },
      { address: '2001:0db8:0000:0000:0000:0000:0000:0001', iface: 'veth0' },
    ]);
  });

  it('protects own addresses, loopback, link-local, multicast, broadcast and gateways, and any network holding one', () => {
    const list = protect();
    const why = (s: string) => protectionOf(P(s), list);
    assert.match(why('198.18.5.2')!, /this host's address 198\.18\.5\.2 \(veth0\)/);
    assert.match(why('198.18.5.0/24')!, /covers this host's address/);
    assert.match(why('198.18.5.254')!, /the default gateway 198\.18\.5\.254 \(veth0\)/);
    assert.match(why('2001:db8::1')!, /the default gateway 2001:db8::1/);
    assert.match(why('2001:db8::/32')!, /covers/);
    assert.match(why('127.8.8.8')!, /loopback/);
    assert.match(why('::1')!, /loopback/);
    assert.match(why('fe80::99')!, /link-local/);
    assert.match(why('169.254.169.254')!, /link-local/);
    assert.match(why('239.255.255.250')!, /multicast/);
    assert.match(why('ff02::fb')!, /multicast/);
    assert.match(why('255.255.255.255')!, /broadcast/);
    assert.match(why('0.0.0.0/0')!, /covers/);
    assert.equal(why('198.18.6.1'), null);
    assert.equal(why('198.18.5.64/26'), null, 'a network beside the host and the gateway');
    assert.match(why('198.18.5.128/25')!, /default gateway/);
  });
});

describe('block list', () => {
  it('refuses everything until blocking is allowed and a capture can drop, then blocks with reason, time and TTL', async () => {
    const { list, helper } = setup();
    await assert.rejects(list.add({ address: '198.18.6.1', reason: 'r', origin: 'user' }), /blocking is off: turn on "Allow blocking" first/);
    list.allowBlocking = true;
    await assert.rejects(list.add({ address: '198.18.6.1', reason: 'r', origin: 'user' }), /needs a live capture/);
    list.attach(helper, 'veth0', 'this capture is egress only');
    await assert.rejects(list.add({ address: '198.18.6.1', reason: 'r', origin: 'user' }), /egress only/);
    list.attach(helper, 'veth0');
    assert.equal(list.check('198.18.6.1'), null);
    const e = await list.add({ address: '198.18.6.1', reason: 'UDP flood', alertId: 'a1', origin: 'user' });
    assert.deepEqual(helper.calls, ['block 198.18.6.1/32 600']);
    assert.deepEqual({ ...e }, {
      prefix: '198.18.6.1/32', display: '198.18.6.1', reason: 'UDP flood', alertId: 'a1', origin: 'user',
      createdAt: 1_000_000, ttlSec: 600, expiresAt: 1_600_000, remainingSec: 600, packets: 0, bytes: 0,
    });
    assert.match(list.check('198.18.6.1')!, /already blocked \(198\.18\.6\.1, 600 s left\)/);
    const [listed] = await list.list();
    assert.equal(listed.packets, 7, 'the helper\'s counters');
    await assert.rejects(list.add({ address: '198.18.5.2', reason: 'r', origin: 'user' }), /cannot block: 198\.18\.5\.2\/32 covers this host's address/);
    await assert.rejects(list.add({ address: '198.18.6.2', ttlSec: 0, reason: 'r', origin: 'user' }), /TTL 0/);
    await assert.rejects(list.add({ address: 'nope', reason: 'r', origin: 'user' }), /not an IPv4 or IPv6 address/);
    assert.equal(helper.calls.length, 1, 'nothing refused reached the helper');
  });

  it('matches the helper\'s counters whatever form it prints an address in', async () => {
    const { list } = setup();
    list.allowBlocking = true;
    const h = new FakeHelper();
    // glibc's inet_ntop writes an IPv6 address with 96 leading zero bits as ::a.b.c.d
    h.blocks = async () => [{ prefix: '::198.18.6.1/128', remainingSec: 60, packets: 4, bytes: 400 }];
    list.attach(h, 'veth0');
    await list.add({ address: '::c612:601', reason: 'r', origin: 'user' });
    assert.deepEqual((await list.list()).map((e) => [e.prefix, e.packets]), [['::c612:601/128', 4]]);
  });

  it('says why the helper refused', async () => {
    const { list } = setup();
    list.allowBlocking = true;
    list.attach({ ...new FakeHelper(), block: async () => { throw new Error('block: the list is full (1024 entries)'); } } as never, 'veth0');
    await assert.rejects(list.add({ address: '198.18.6.1', reason: 'r', origin: 'user' }), /cannot block 198\.18\.6\.1: the list is full/);
  });

  it('drops entries whose TTL ran out, unblocks one, and everything on clear', async () => {
    const { list, helper, tick } = setup();
    list.allowBlocking = true;
    list.attach(helper, 'veth0');
    await list.add({ address: '198.18.6.1', ttlSec: 10, reason: 'a', origin: 'user' });
    tick(1000);
    await list.add({ address: '198.18.6.0/31', ttlSec: 60, reason: 'b', origin: 'cli' });
    assert.deepEqual((await list.list()).map((e) => [e.display, e.remainingSec]), [['198.18.6.0/31', 60], ['198.18.6.1', 9]]);
    tick(9000);
    assert.deepEqual((await list.list()).map((e) => e.display), ['198.18.6.0/31'], 'expired at its TTL');
    await assert.rejects(list.remove('198.18.6.1'), /198\.18\.6\.1 is not blocked/);
    await list.remove('198.18.6.0/31');
    assert.equal(list.size, 0);
    await list.add({ address: '198.18.6.7', reason: 'c', origin: 'user' });
    await list.clear();
    assert.equal(list.size, 0);
    assert.deepEqual([...helper.blocked.keys()], ['198.18.6.1/32'], 'the expired one is the helper\'s own business');
  });

  it('forgets the blocks of a capture that ended, but not because an older capture ended', async () => {
    const { list, helper } = setup();
    list.allowBlocking = true;
    const older = new FakeHelper();
    list.attach(older, 'veth0');
    list.attach(helper, 'veth0');
    await list.add({ address: '198.18.6.1', reason: 'r', origin: 'user' });
    list.detach(older);
    assert.equal(list.size, 1);
    list.detach(helper);
    assert.equal(list.size, 0);
    assert.match(list.unavailable!, /needs a live capture/);
  });

  it('runs only the enabled rules, once per alert and source, skipping protected sources', async () => {
    const { list, helper } = setup();
    const rules = defaultSettings().response.rules;
    assert.ok(rules.length > 0 && rules.every((r) => !r.enabled), 'every rule is off by default');
    const alerts = [
      alert('amp1', 'amplification', ['198.18.9.1', '198.18.9.2', '198.18.5.254']),
      alert('scan1', 'port-scan', ['198.18.9.3']),
    ];
    list.allowBlocking = true;
    list.attach(helper, 'veth0');
    assert.deepEqual(await list.applyRules(alerts, rules), [], 'rules off: nothing');
    const on = rules.map((r) => (r.kind === 'amplification' ? { ...r, enabled: true } : r));
    list.allowBlocking = false;
    assert.deepEqual(await list.applyRules(alerts, on), [], 'blocking not allowed: nothing');
    list.allowBlocking = true;
    const made = await list.applyRules(alerts, on);
    assert.deepEqual(made.map((e) => [e.display, e.origin, e.alertId, e.ttlSec]), [['198.18.9.1', 'rule', 'amp1', 600], ['198.18.9.2', 'rule', 'amp1', 600]]);
    assert.match(made[0].reason, /^rule: amplification — amplification amp1$/);
    assert.deepEqual(await list.applyRules(alerts, on), [], 'each source of an alert once');
    await list.remove('198.18.9.1');
    assert.deepEqual(await list.applyRules(alerts, on), [], 'an unblocked source is not blocked again by the same alert');
  });
});
