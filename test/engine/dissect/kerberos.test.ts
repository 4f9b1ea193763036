// Kerberos against tshark 4.0 on traffic between real peers: MIT krb5-kdc
// 1.20 and kinit/kvno over UDP and TCP (pre-authentication required, a
// good and a wrong password, an unknown principal, a service ticket),
// captured by data/make-ent.sh into data/kerberos.pcap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand, ROOT } from '../../lib/env';
import { compareWithTshark, damageNeverThrows } from './tshark-compare';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
import { mulberry32, testSeed } from '../../lib/rng';

const CAP = join(ROOT, 'test', 'engine', 'dissect', 'data', 'kerberos.pcap');
const skip = hasCommand('tshark') ? false : 'tshark not installed';

test('Kerberos fields, Protocol and Info agree with tshark (UDP and TCP, AS/TGS, errors, FAST and ETYPE-INFO2 padata)', { skip }, () => {
  const fields = ['frame.protocols', 'kerberos.pvno', 'kerberos.msg_type', 'kerberos.padata', 'kerberos.padata_type', 'kerberos.padata_value',
    'kerberos.kdc_options', 'kerberos.name_type', 'kerberos.cname_string', 'kerberos.CNameString', 'kerberos.sname_string', 'kerberos.SNameString',
    'kerberos.realm', 'kerberos.crealm', 'kerberos.till', 'kerberos.rtime', 'kerberos.nonce', 'kerberos.ENCTYPE', 'kerberos.etype', 'kerberos.tkt_vno',
    'kerberos.kvno', 'kerberos.cipher', 'kerberos.ap_options', 'kerberos.stime', 'kerberos.susec', 'kerberos.error_code', 'kerberos.e_text',
    'kerberos.e_data', 'kerberos.info2_salt', 'kerberos.rm.length', 'kerberos.include_pac'];
  const r = compareWithTshark(CAP, fields, { columns: 'kerberos' });
  console.log(`# kerberos: ${r.agreed}/${r.compared} cells agree over ${r.frames} frames`);
  assert.deepEqual(r.diffs, []);
  assert.ok(r.compared > 1000);
});

test('pre-authentication failures and unknown principals are visible by name', () => {
  const dis = new Dissector({ geoip: null });
  const ds = parseCaptureBuffer(readFileSync(CAP)).packets.map((p) => dis.dissect(p));
  const errors = ds.flatMap((d) => d.fields.filter((f) => f.name === 'kerberos.error_code').map((f) => f.value));
  assert.ok(errors.includes(24) && errors.includes(6) && errors.includes(25), String(errors));
  const failed = ds.find((d) => d.summary.info === 'KRB Error: KRB5KDC_ERR_PREAUTH_FAILED');
  assert.deepEqual(failed?.fields.filter((f) => f.name === 'kerberos.CNameString').map((f) => f.value), ['alice']);
});

test('damaged Kerberos never throws', () => {
  assert.ok(damageNeverThrows(CAP, mulberry32(testSeed('kerberos-damage', 88)), 60, 42, { flips: 4, cutShare: 0 }) > 0);
});
