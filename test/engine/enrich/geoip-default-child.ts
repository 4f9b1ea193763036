// A program (its own bundle, so GeoIp.default() opens once in it) that
// dissects a capture with the default GeoIP databases and prints what came
// out: how many packets, how many errors, how many with GeoIP fields.
import { readFileSync } from 'node:fs';
import { Dissector } from '../../../main/engine/dissect';
import { parseCaptureBuffer } from '../../../main/engine/file/open';

const pkts = parseCaptureBuffer(readFileSync(process.argv[2]!)).packets;
const dis = new Dissector();
const out = pkts.map((p) => dis.dissect(p));
const errors = out.filter((d) => d.summary.info.includes('Dissector error') || d.malformed).length;
const geo = out.filter((d) => d.fields.some((f) => f.name.startsWith('ip.geoip.'))).length;
process.stdout.write(JSON.stringify({ n: out.length, errors, geo }));
