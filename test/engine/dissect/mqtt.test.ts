// MQTT against a real broker and real clients: mosquitto in one namespace,
// mosquitto_pub and mosquitto_sub in the other, over MQTT 3.1, 3.1.1 and
// 5.0 (user names and passwords, a will, QoS 0/1/2, retained messages,
// MQTT 5 properties with a content type and user properties, a message of
// several TCP segments). Every frame is compared with tshark, cell by cell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCommand } from '../../lib/env';
import { runPeers, peersSkipReason } from './peers';
import { compareFile } from './compare';
import { damageNeverThrows } from './tshark-compare';
import { mulberry32, testSeed } from '../../lib/rng';

// the broker, started by a Node stand-in that says "listening" once mosquitto accepts
const SERVER = String.raw`
const fs = require('fs'), os = require('os'), path = require('path'), cp = require('child_process'), net = require('net');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mqtt-test-'));
const conf = path.join(dir, 'mosquitto.conf');
fs.writeFileSync(conf, 'listener ' + process.env.PORT + ' ' + process.env.HOST + '\nallow_anonymous true\npersistence false\nuser root\n');
const broker = cp.spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
const stop = () => { broker.kill('SIGTERM'); fs.rmSync(dir, { recursive: true, force: true }); };
process.on('SIGTERM', () => { stop(); process.exit(0); });
broker.on('exit', (code) => { console.error('mosquitto exited ' + code); process.exit(1); });
let tries = 0;
const probe = () => {
  const c = net.connect(+process.env.PORT, process.env.HOST, () => { c.destroy(); console.log('listening'); });
  c.on('error', () => { if (++tries < 200) setTimeout(probe, 25); });
};
probe();
`;

const NO_OFFLOAD = ['sh', '-c', 'for i in $(ls /sys/class/net); do ethtool -K $i tso off gso off gro off >/dev/null 2>&1; done; true'];

const FIELDS = [
  'frame.protocols', 'tcp.stream', 'tcp.segment', 'mqtt', 'data-text-lines', 'mqtt.hdrflags', 'mqtt.msgtype', 'mqtt.hdr_reserved', 'mqtt.dupflag', 'mqtt.qos', 'mqtt.retain', 'mqtt.len',
  'mqtt.proto_len', 'mqtt.protoname', 'mqtt.ver', 'mqtt.conflags', 'mqtt.conflag.uname', 'mqtt.conflag.passwd', 'mqtt.conflag.retain', 'mqtt.conflag.qos',
  'mqtt.conflag.willflag', 'mqtt.conflag.cleansess', 'mqtt.kalive', 'mqtt.clientid_len', 'mqtt.clientid', 'mqtt.willtopic', 'mqtt.willmsg_len', 'mqtt.willmsg',
  'mqtt.username_len', 'mqtt.username', 'mqtt.passwd', 'mqtt.conack.flags', 'mqtt.conack.flags.reserved', 'mqtt.conack.flags.sp', 'mqtt.conack.val', 'mqtt.connack.reason_code', 'mqtt.msgid',
  'mqtt.topic_len', 'mqtt.topic', 'mqtt.sub.qos', 'mqtt.suback.qos', 'mqtt.suback.reason_code', 'mqtt.subscription_options', 'mqtt.subscription_options_qos',
  'mqtt.subscription_options_nl', 'mqtt.msg', 'mqtt.property_len', 'mqtt.property_id', 'mqtt.prop_number', 'mqtt.property.content_type', 'mqtt.prop_key',
  'mqtt.prop_value', 'mqtt.prop_string', 'mqtt.puback.reason_code', 'mqtt.disconnect.reason_code', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed',
];

const skip = peersSkipReason() || (hasCommand('mosquitto') && hasCommand('mosquitto_pub') && hasCommand('ethtool') ? false : 'needs mosquitto, mosquitto-clients and ethtool');

test('MQTT 3.1, 3.1.1 and 5.0 between mosquitto and its clients agree with tshark', { skip, timeout: 120_000 }, async () => {
  const pub = (args: string[]): string[] => ['mosquitto_pub', '-h', '{ip}', ...args];
  const sub = (args: string[]): string[] => ['mosquitto_sub', '-h', '{ip}', '-W', '10', ...args];
  const run = await runPeers(SERVER, 1883, [
    NO_OFFLOAD,
    pub(['-V', 'mqttv311', '-i', 'pubclient', '-u', 'alice', '-P', 'secret', '-t', 'sensors/temp', '-m', '21.5', '-q', '1']),
    pub(['-V', 'mqttv31', '-i', 'old', '-t', 'legacy', '-m', 'x', '--will-topic', 'status/old', '--will-payload', 'gone', '--will-qos', '1']),
    pub(['-V', 'mqttv5', '-i', 'pub5', '-u', 'bob', '-t', 'a/b', '-m', 'hello', '-q', '2', '-r', '-D', 'publish', 'content-type', 'text/plain',
      '-D', 'publish', 'user-property', 'site', 'lab', '-D', 'connect', 'session-expiry-interval', '30']),
    pub(['-V', 'mqttv5', '-i', 'big', '-t', 'bulk/data', '-q', '1', '-m', 'x'.repeat(5000)]),
    sub(['-V', 'mqttv311', '-i', 'sub1', '-t', 'a/b', '-C', '1']),
    sub(['-V', 'mqttv5', '-i', 'sub5', '-t', 'a/#', '-t', 'sensors/+', '-C', '1', '-q', '1']),
  ]);
  try {
    const r = compareFile(run.pcap, FIELDS);
    console.log(`# mqtt: ${r.cells} cells over ${r.frames} frames compared with tshark, ${r.diffs.length} differ`);
    assert.deepEqual(r.diffs, []);
    const col = (name: string): string[] => r.theirs.map((row) => row[FIELDS.indexOf(name)]).filter(Boolean);
    assert.deepEqual(col('mqtt.username'), ['alice', 'bob']);
    assert.deepEqual([...new Set(col('mqtt.ver'))].sort(), ['3', '4', '5']);
    assert.ok(col('tcp.segment').length > 0, 'a PUBLISH reassembled from several segments');
    const malformed = damageNeverThrows(run.pcap, mulberry32(testSeed('mqtt-damage', 17)), 20);
    console.log(`# mqtt: ${malformed} damaged frames marked malformed`);
  } finally {
    run.dispose();
  }
});
