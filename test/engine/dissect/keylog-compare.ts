// Comparison of a decrypted capture with `tshark -o tls.keylog_file:`:
// every field of the given protocols that tshark shows on the capture and
// we declare, frame by frame, and the Info column. What the QUIC, TLS and
// Chromium key log tests assert.
import assert from 'node:assert/strict';
import { ourFields, run, tsharkFields } from './pcap-lib';
import { CLI } from '../../lib/env';
import { allFields } from '../../../main/engine/fields/registry';
import '../../../main/engine/dissect/protocols';

/** Every field of these protocols tshark shows on the capture that we declare. */
function sharedFields(pcap: string, opt: string[], protocols: string[]): string[] {
  const pdml = run('tshark', ['-r', pcap, ...opt, '-T', 'pdml']);
  const re = new RegExp(`name="((?:${protocols.join('|')})\\.[^"]+)"`, 'g');
  const theirs = new Set([...pdml.matchAll(re)].map((m) => m[1]));
  return allFields().map((f) => f.name).filter((n) => theirs.has(n)).sort();
}

/** Compares every shared field and the Info column; returns the fields and the number of cells compared. */
export function compareDecrypted(pcap: string, keys: string, protocols: string[]): { fields: string[]; cells: number } {
  const opt = ['-o', `tls.keylog_file:${keys}`];
  const fields = ['frame.number', 'frame.protocols', ...sharedFields(pcap, opt, protocols)];
  // X.509's and PKCS #1's sub-layers in frame.protocols are not ours (the difference oracle.test.ts lists)
  const theirs = tsharkFields(pcap, fields, opt).map((l) => l.replace(/:(x509\w+|pkcs-1)/g, ''));
  const ours = ourFields(pcap, fields, opt);
  assert.equal(ours.length, theirs.length, 'frame count');
  const diffs: string[] = [];
  let cells = 0;
  ours.forEach((l, i) => {
    const a = l.split('\t'), b = theirs[i].split('\t');
    fields.forEach((f, j) => {
      cells++;
      if (a[j] !== b[j]) diffs.push(`frame ${i + 1} ${f}: ours '${a[j]}', tshark '${b[j]}'`);
    });
  });
  assert.deepEqual(diffs, []);
  const info = (out: string): string[] => out.split('\n').filter((x) => x.trim()).map((x) => x.trim().split(/\s+/).slice(4).join(' '));
  assert.deepEqual(info(run(process.execPath, [CLI, 'read', '-r', pcap, ...opt])), info(run('tshark', ['-r', pcap, ...opt])));
  return { fields, cells };
}
