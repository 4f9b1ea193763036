// X.509 certificates in TLS ≤ 1.2 Certificate messages: fields against
// tshark 4.0 on the shared captures that carry certificates, and each
// certificate's names, validity and subjectAltName against Node's own
// parser (crypto.X509Certificate) on the same DER bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { CAPTURES, hasCommand, sharedCapturesSkipReason } from '../../lib/env';
import { compareWithTshark } from './tshark-compare';
import { parseCaptureBuffer } from '../../../main/engine/file/open';
import { Dissector } from '../../../main/engine/dissect';
import type { Field } from '../../../main/engine/types';

const CAPS = ['zeek-certificate-with-sct.pcap', 'zeek-chrome-34-google.pcap'];
const skip = sharedCapturesSkipReason() ?? (hasCommand('tshark') ? false : 'tshark not installed');
const FIELDS = ['x509af.version', 'x509af.serialNumber', 'x509af.algorithm.id', 'x509af.utcTime', 'x509af.subjectPublicKey', 'x509af.extension.id',
  'x509sat.CountryName', 'x509sat.printableString', 'x509sat.uTF8String', 'x509sat.teletexString', 'x509sat.universalString', 'x509ce.dNSName'];

test('X.509 fields agree with tshark on the shared captures with certificates', { skip }, () => {
  for (const cap of CAPS) {
    const r = compareWithTshark(join(CAPTURES, cap), FIELDS);
    console.log(`# x509 ${cap}: ${r.agreed}/${r.compared} cells agree`);
    assert.deepEqual(r.diffs, []);
  }
});

test('each certificate agrees with crypto.X509Certificate: serial, validity, subject and SAN names', { skip: sharedCapturesSkipReason() ?? false }, () => {
  let certs = 0;
  for (const cap of CAPS) {
    const dis = new Dissector({ geoip: null });
    for (const p of parseCaptureBuffer(readFileSync(join(CAPTURES, cap))).packets) {
      const d = dis.dissect(p);
      for (const f of d.fields.filter((x) => x.name === 'tls.handshake.certificate')) {
        const der = f.value as Uint8Array;
        const node = new X509Certificate(Buffer.from(der));
        const kids = (f.children ?? []) as Field[];
        const get = (n: string): Field['value'][] => kids.filter((k) => k.name === n).map((k) => k.value);
        certs++;
        assert.equal(Buffer.from(get('x509af.serialNumber')[0] as Uint8Array).toString('hex').toUpperCase().replace(/^0+/, ''), node.serialNumber.replace(/^0+/, ''));
        const [from, to] = get('x509af.utcTime') as string[];
        assert.equal(new Date(from.replace(' (UTC)', 'Z').replace(' ', 'T')).getTime(), new Date(node.validFrom).getTime());
        assert.equal(new Date(to.replace(' (UTC)', 'Z').replace(' ', 'T')).getTime(), new Date(node.validTo).getTime());
        const sans = (node.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
        assert.deepEqual(get('x509ce.dNSName'), sans);
        const cn = /(?:^|\n)CN=([^\n]*)/.exec(node.subject)?.[1];
        if (cn) assert.ok([...get('x509sat.printableString'), ...get('x509sat.uTF8String'), ...get('x509sat.teletexString')].includes(cn), cn);
      }
    }
  }
  assert.ok(certs >= 5, `${certs} certificates`);
});
