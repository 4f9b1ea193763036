// SNMP against tshark 4.0 on traffic between real peers: net-snmp's snmpd
// 5.9 and snmpget/getnext/bulkget/set (v1, v2c, a wrong community, a
// refused set, v3 discovery, authNoPriv and authPriv), captured by
// data/make-ent.sh into data/snmp.pcap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand, ROOT } from '../../lib/env';
import { compareWithTshark, damageNeverThrows } from './tshark-compare';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
import { mulberry32, testSeed } from '../../lib/rng';

const CAP = join(ROOT, 'test', 'engine', 'dissect', 'data', 'snmp.pcap');
const skip = hasCommand('tshark') ? false : 'tshark not installed';

test('SNMP v1/v2c/v3 fields, Protocol and Info agree with tshark', { skip }, () => {
  const fields = ['frame.protocols', 'snmp', 'snmp.version', 'snmp.community', 'snmp.data', 'snmp.request_id', 'snmp.error_status', 'snmp.error_index',
    'snmp.non_repeaters', 'snmp.max_repetitions', 'snmp.variable_bindings', 'snmp.name', 'snmp.value.int', 'snmp.value.octets', 'snmp.var-bind_str',
    'snmp.value.oid', 'snmp.value.null', 'snmp.value.counter', 'snmp.value.timeticks', 'snmp.noSuchObject', 'snmp.msgVersion', 'snmp.msgID',
    'snmp.msgMaxSize', 'snmp.msgFlags', 'snmp.v3.flags.auth', 'snmp.v3.flags.crypt', 'snmp.v3.flags.report', 'snmp.msgSecurityModel',
    'snmp.msgAuthoritativeEngineID', 'snmp.msgAuthoritativeEngineBoots', 'snmp.msgAuthoritativeEngineTime', 'snmp.msgUserName',
    'snmp.msgAuthenticationParameters', 'snmp.msgPrivacyParameters', 'snmp.msgData', 'snmp.encryptedPDU', 'snmp.contextEngineID', 'snmp.contextName'];
  const r = compareWithTshark(CAP, fields, { columns: 'snmp' });
  console.log(`# snmp: ${r.agreed}/${r.compared} cells agree over ${r.frames} frames`);
  assert.deepEqual(r.diffs, []);
});

test('communities sent in clear and v3 users are visible', () => {
  const dis = new Dissector({ geoip: null });
  const ds = parseCaptureBuffer(readFileSync(CAP)).packets.map((p) => dis.dissect(p));
  const communities = new Set(ds.flatMap((d) => d.fields.filter((f) => f.name === 'snmp.community').map((f) => f.value)));
  assert.deepEqual([...communities].sort(), ['public', 'wrongcommunity']);
  const users = new Set(ds.flatMap((d) => d.fields.filter((f) => f.name === 'snmp.msgUserName').map((f) => f.value)));
  assert.ok(users.has('xsauth') && users.has('xsuser'));
});

test('damaged SNMP never throws', () => {
  assert.ok(damageNeverThrows(CAP, mulberry32(testSeed('snmp-damage', 161)), 200) > 0);
});
