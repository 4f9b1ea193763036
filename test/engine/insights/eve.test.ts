// EVE JSON: `insights --eve` writes one Suricata alert record per alert, in
// the shape Suricata's etc/schema.json allows (its top level and `alert`
// object admit no other keys: the subset below is copied from it for the
// keys we write); while capturing live (`-i IFACE --eve`), a scan's record
// appears on stdout during the capture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { CLI, ROOT, liveSkipReason } from '../../lib/env';
import { createVethPair } from '../../lib/netns';
import { eveTimestamp, toEve } from '../../../main/api/eve';
import { MAC_A, MAC_B, RST, ACK, SYN, Scenario, tcp } from './craft';
import { runScenario, scratch } from './pipeline';

const T0 = 1_760_000_000;

// From OISF/suricata etc/schema.json: the top-level keys an alert record uses, and the alert object, both closed.
const SURICATA_EVE_ALERT = {
  type: 'object',
  properties: {
    timestamp: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d+[+\\-]\\d+$' },
    flow_id: { type: 'integer' }, event_type: { type: 'string' }, src_ip: { type: 'string' }, src_port: { type: 'integer' },
    dest_ip: { type: 'string' }, dest_port: { type: 'integer' }, proto: { type: 'string' }, pcap_cnt: { type: 'integer' },
    alert: {
      type: 'object',
      properties: {
        action: { type: 'string' }, category: { type: 'string' }, gid: { type: 'integer' }, rev: { type: 'integer' }, rule: { type: 'string' },
        severity: { type: 'integer' }, signature: { type: 'string' }, signature_id: { type: 'integer' }, xff: { type: 'string' },
        metadata: {
          type: 'object',
          properties: Object.fromEntries(['affected_product', 'attack_target', 'created_at', 'deployment', 'signature_severity', 'tag', 'updated_at']
            .map((k) => [k, { type: 'array', items: { type: 'string' } }])),
          additionalProperties: false,
        },
        source: { type: 'object', properties: { ip: { type: 'string' } }, additionalProperties: false },
        target: { type: 'object', properties: { ip: { type: 'string' } }, additionalProperties: false },
      },
      additionalProperties: false,
    },
  },
  required: ['timestamp', 'event_type', 'alert'],
  additionalProperties: false,
};
const validate = new Ajv({ allErrors: true }).compile(SURICATA_EVE_ALERT);

function scan(s: Scenario, scanner: string, target: string, t0: number): void {
  for (let port = 1; port <= 40; port++) {
    const t = t0 + port * 0.01;
    s.ip(t, tcp(scanner, target, { sport: 40000 + port, dport: port, flags: SYN, seq: 1 }));
    s.ip(t + 0.001, tcp(target, scanner, { sport: port, dport: 40000 + port, flags: RST | ACK, seq: 0, ack: 2 }), MAC_B, MAC_A);
  }
}

test('timestamps are Suricata\'s: microseconds and a numeric offset', () => {
  assert.equal(eveTimestamp(1_760_000_000.25), '2025-10-09T08:53:20.250000+0000');
});

test('every alert kind becomes a schema-valid EVE alert record with its filter as the rule', async () => {
  const s = new Scenario();
  scan(s, '198.18.100.1', '198.18.100.2', T0);
  const { alerts } = await runScenario('eve', s);
  assert.deepEqual(alerts.map((a) => a.kind), ['port-scan']);
  const rec = toEve(alerts[0]);
  assert.ok(validate(rec), JSON.stringify(validate.errors));
  assert.equal(rec.event_type, 'alert');
  assert.deepEqual([rec.src_ip, rec.dest_ip, rec.proto, rec.pcap_cnt], ['198.18.100.1', '198.18.100.2', 'TCP', alerts[0].firstFrame]);
  assert.equal(rec.alert.rule, alerts[0].filter);
  assert.equal(rec.alert.category, 'Detection of a Network Scan');
  assert.equal(rec.alert.severity, 2);
  assert.ok(rec.alert.metadata.tag.includes('distinctPorts=40'));
  // the same alert always has the same flow id and signature id
  assert.equal(toEve(alerts[0]).flow_id, rec.flow_id);
  // the other kinds' shapes too (each kind's own endpoints)
  for (const kind of ['traffic-spike', 'brute-force', 'syn-flood', 'unexpected-protocol', 'service-mismatch', 'ai-service', 'icmp-flood', 'amplification', 'udp-flood', 'dns-tunnel', 'beaconing', 'ai-gateway-bypass', 'baseline-deviation', 'ics-write', 'password-spray'] as const) {
    const r = toEve({ ...alerts[0], kind, severity: 'info', endpoints: [{ role: 'client', address: '2001:db8::1' }] });
    assert.ok(validate(r), `${kind}: ${JSON.stringify(validate.errors)}`);
    assert.equal(r.alert.severity, 4);
  }
});

test('insights -r FILE --eve writes one record per line', async () => {
  const s = new Scenario();
  scan(s, '198.18.101.1', '198.18.101.2', T0);
  const path = scratch('eve-cli.pcapng');
  s.write(path);
  const r = spawnSync(process.execPath, [CLI, 'insights', '-r', path, '--eve'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 1);
  assert.ok(validate(lines[0]), JSON.stringify(validate.errors));
  const both = spawnSync(process.execPath, [CLI, 'insights', '-r', path, '--eve', '--json'], { encoding: 'utf8' });
  assert.equal(both.status, 2);
});

const HELPER = join(ROOT, 'helper', 'xdpscope-helper');
const liveSkip = liveSkipReason() ?? (existsSync(HELPER) ? null : 'capture helper not built');

test('live, insights -i IFACE --eve streams a scan\'s record while capturing', { skip: liveSkip ?? false, timeout: 60_000 }, async () => {
  const pair = createVethPair();
  try {
    const cli = spawn('ip', ['netns', 'exec', pair.serverNs, process.execPath, CLI, 'insights', '-i', pair.serverIf, '--eve', '-a', 'duration:30'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    cli.stderr.on('data', (d: Buffer) => { err += d; });
    const exited = new Promise<number | null>((r) => cli.on('exit', (c) => r(c)));
    // a connect scan of 40 closed ports, repeated until the record shows (the capture attaches asynchronously), at most 20 rounds
    const record = new Promise<Record<string, unknown>>((resolve, reject) => {
      cli.stdout.on('data', (d: Buffer) => {
        out += d;
        const line = out.split('\n').find((l) => l.includes('"event_type":"alert"'));
        if (line) resolve(JSON.parse(line));
      });
      void exited.then(() => reject(new Error(`insights exited before a record: ${err}`)));
    });
    let got: Record<string, unknown> | null = null;
    void record.then((r) => { got = r; }, () => {});
    for (let round = 0; round < 20 && got === null; round++) {
      pair.exec(pair.clientNs, [process.execPath, '-e', `
        const net = require('net');
        let left = 40;
        for (let p = 1000; p < 1040; p++) { const s = net.connect({ host: '${pair.serverIp}', port: p }); s.on('error', () => { if (--left === 0) process.exit(0); }); s.on('connect', () => { s.destroy(); if (--left === 0) process.exit(0); }); }
        setTimeout(() => process.exit(0), 2000);`], { timeoutMs: 10_000 });
      await Promise.race([record.catch(() => null), new Promise((r) => setTimeout(r, 1000))]);
    }
    const rec = await record;
    assert.ok(validate(rec), JSON.stringify(validate.errors));
    assert.equal((rec.alert as { category: string }).category, 'Detection of a Network Scan');
    assert.equal(rec.src_ip, pair.clientIp);
    assert.equal(cli.exitCode, null, 'the record came while the capture was still running');
    cli.kill('SIGTERM');
    assert.equal(await exited, 0, err);
  } finally {
    pair.dispose();
  }
});
