// The -T fields byte writer gathers each column's occurrences before printing
// them: a field in several columns, repeated fields (ICMP errors quote an IP
// header, VLAN tags stack) and every occurrence mode must print what tshark
// prints on the same bytes — in field-subset mode and in whole-packet mode
// (an expert field in the list makes the read dissect whole packets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CAPTURES, CLI, hasCommand, sharedCapturesSkipReason } from '../../lib/env';

const skip = sharedCapturesSkipReason() ?? (hasCommand('tshark') ? false : 'tshark is not installed');

const run = (cmd: string, args: string[]): string => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

test('repeated fields, a field in two columns and -E occurrence print as tshark prints them', { skip }, () => {
  const fields = ['ip.src', 'frame.number', 'ip.src', 'vlan.id', 'icmp.type', 'ip.dst', 'frame.protocols'];
  for (const cap of ['zeek-icmp_dot1q.pcap', 'zeek-vlan-pcp-dei.pcapng']) {
    for (const occ of ['a', 'f', 'l']) {
      for (const extra of [[], ['_ws.expert']]) {
        const args = ['-r', join(CAPTURES, cap), '-T', 'fields', '-E', `occurrence=${occ}`, '-E', 'aggregator=;', ...[...fields, ...extra].flatMap((f) => ['-e', f])];
        const ours = run(process.execPath, [CLI, 'read', ...args]);
        const theirs = run('tshark', ['-n', ...args]);
        const cut = (s: string): string => (extra.length ? s.split('\n').map((l) => l.split('\t').slice(0, fields.length).join('\t')).join('\n') : s);
        assert.equal(cut(ours), cut(theirs), `${cap}, occurrence=${occ}${extra.length ? ', whole packets' : ''}`);
      }
    }
  }
});
