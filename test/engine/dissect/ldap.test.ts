// LDAP against tshark 4.0 on traffic between real peers: OpenLDAP slapd 2.5
// and ldap-utils (ldapadd, ldapwhoami with a good and a wrong password,
// anonymous searches with nested filters, a search of a missing base),
// captured by data/make-ent.sh into data/ldap.pcap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand, ROOT } from '../../lib/env';
import { compareWithTshark, damageNeverThrows } from './tshark-compare';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
import { compileDisplayFilter } from '../../../main/engine/filter/compile';
import { mulberry32, testSeed } from '../../lib/rng';

const CAP = join(ROOT, 'test', 'engine', 'dissect', 'data', 'ldap.pcap');
const skip = hasCommand('tshark') ? false : 'tshark not installed';

test('LDAP fields, Protocol and Info agree with tshark: binds, searches and filters, entries, adds, extended operations, results', { skip }, () => {
  const fields = ['frame.protocols', 'ldap.messageID', 'ldap.protocolOp', 'ldap.version', 'ldap.name', 'ldap.authentication', 'ldap.simple',
    'ldap.resultCode', 'ldap.matchedDN', 'ldap.errorMessage', 'ldap.baseObject', 'ldap.scope', 'ldap.derefAliases', 'ldap.sizeLimit',
    'ldap.timeLimit', 'ldap.typesOnly', 'ldap.filter', 'ldap.and', 'ldap.or', 'ldap.attributeDesc', 'ldap.assertionValue', 'ldap.present',
    'ldap.initial', 'ldap.any', 'ldap.final', 'ldap.attributes', 'ldap.AttributeDescription', 'ldap.objectName', 'ldap.entry', 'ldap.type',
    'ldap.vals', 'ldap.AttributeValue', 'ldap.requestName', 'ldap.responseName', 'ldap.response'];
  const r = compareWithTshark(CAP, fields, { columns: 'ldap' });
  console.log(`# ldap: ${r.agreed}/${r.compared} cells agree over ${r.frames} frames`);
  assert.deepEqual(r.diffs, []);
});

test('a failed simple bind is found by its DN and result code', () => {
  const f = compileDisplayFilter('ldap.resultCode == 49');
  assert.ok(f.ok);
  const dis = new Dissector({ geoip: null });
  const ds = parseCaptureBuffer(readFileSync(CAP)).packets.map((p) => dis.dissect(p));
  const hits = ds.filter((d) => f.ok && f.filter.matches(d));
  assert.equal(hits.length, 1);
  assert.equal(hits[0].summary.info, 'bindResponse(1) invalidCredentials ');
  const binds = ds.flatMap((d) => d.fields.filter((x) => x.name === 'ldap.name').map((x) => x.value));
  assert.ok(binds.includes('uid=alice,dc=xs,dc=test'));
});

test('damaged LDAP never throws', () => {
  assert.ok(damageNeverThrows(CAP, mulberry32(testSeed('ldap-damage', 389)), 60, 66) > 0);
});
