// 802.11 (LINKTYPE 105) and 802.11 behind radiotap (127) decode as tshark
// 4.0's wlan and radiotap: the MAC header, management frames with their
// fixed fields and tags, control frames, data frames through LLC/SNAP to
// IP, protected frames without keys, and the FCS when radiotap says there
// is one. Before, such files were one "Unknown" data blob.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressColumnsDiffer, craftedAgrees, tsharkSkip } from './compare';
import { outputDir } from '../../lib/env';
import { pcapFile } from '../../lib/pcap';
import { beacon, control, data, management, radiotapFrames, richBeacon } from './wlan-frames';

const COLS = ['frame.protocols', 'frame.encap_type', '_ws.col.Protocol', '_ws.col.Info', '_ws.malformed'];
const MAC = ['wlan.fc.type_subtype', 'wlan.fc', 'wlan.fc.version', 'wlan.fc.type', 'wlan.fc.subtype', 'wlan.flags', 'wlan.fc.ds', 'wlan.fc.tods', 'wlan.fc.fromds',
  'wlan.fc.frag', 'wlan.fc.retry', 'wlan.fc.pwrmgt', 'wlan.fc.moredata', 'wlan.fc.protected', 'wlan.fc.order', 'wlan.duration', 'wlan.aid', 'wlan.ra', 'wlan.ta',
  'wlan.da', 'wlan.sa', 'wlan.bssid', 'wlan.staa', 'wlan.addr', 'wlan.frag', 'wlan.seq', 'wlan.qos', 'wlan.qos.tid', 'wlan.qos.priority', 'wlan.qos.eosp',
  'wlan.qos.bit4', 'wlan.qos.ack', 'wlan.qos.amsdupresent', 'wlan.ba.control', 'wlan.ba.control.ackpolicy', 'wlan.ba.control.ba_type', 'wlan.ba.basic.tidinfo',
  'wlan.fixed.ssc', 'wlan.fixed.ssc.sequence', 'wlan.fixed.ssc.fragment', 'wlan.ba.bm', 'wlan.ccmp.extiv', 'wlan.tkip.extiv', 'wlan.wep.iv', 'wlan.wep.key',
  'wlan.wep.icv', 'wlan.fcs', 'wlan.fcs.status', 'data.len', 'llc.type', 'ip.src', 'ipv6.dst', 'tcp.dstport', 'dns.qry.name', 'arp.opcode', 'eapol.type', 'wlan_rsna_eapol.keydes.msgnr',
  'wlan_aggregate.a_mdsu.length', 'wlan.qos.txop_dur_req', 'wlan.qos.queue_size', 'wlan.qos.ps_buf_state', 'wlan.qos.buf_state_indicated', 'wlan.qos.txop_limit'];
const MGT = ['wlan.fixed.timestamp', 'wlan.fixed.beacon', 'wlan.fixed.capabilities', 'wlan.fixed.capabilities.ess', 'wlan.fixed.capabilities.ibss',
  'wlan.fixed.capabilities.privacy', 'wlan.fixed.capabilities.short_preamble', 'wlan.fixed.capabilities.short_slot_time', 'wlan.fixed.auth.alg',
  'wlan.fixed.auth_seq', 'wlan.fixed.status_code', 'wlan.fixed.reason_code', 'wlan.fixed.listen_ival', 'wlan.fixed.aid', 'wlan.fixed.current_ap',
  // not wlan.fixed.action_code: tshark 4.0 prints the block ack action's in hex through a second field of
  // that name (BASE_HEX), which `-G fields` does not list; ours stays one decimal field (checked below)
  'wlan.fixed.category_code', 'wlan.fixed.dialog_token', 'wlan.fixed.baparams', 'wlan.fixed.baparams.tid', 'wlan.fixed.baparams.buffersize',
  'wlan.fixed.batimeout', 'wlan.fixed.ssc', 'wlan.fixed.delba.param', 'wlan.fixed.delba.param.initiator', 'wlan.fixed.delba.param.tid', 'wlan.tag.number', 'wlan.tag.length', 'wlan.ssid', 'wlan.supported_rates',
  'wlan.extended_supported_rates', 'wlan.ds.current_channel', 'wlan.tim.dtim_count', 'wlan.tim.dtim_period', 'wlan.tim.bmapctl',
  'wlan.tim.partial_virtual_bitmap', 'wlan.country_info.code', 'wlan.country_info.environment', 'wlan.rsn.version', 'wlan.rsn.gcs.oui', 'wlan.rsn.gcs.type',
  'wlan.rsn.pcs.count', 'wlan.rsn.pcs.oui', 'wlan.rsn.pcs.type', 'wlan.rsn.akms.count', 'wlan.rsn.akms.oui', 'wlan.rsn.akms.type', 'wlan.rsn.capabilities',
  'wlan.ht.capabilities', 'wlan.ht.ampduparam', 'wlan.tag.oui', 'wlan.tag.vendor.oui.type', 'wlan.erp_info', 'wlan.ht.info.primarychannel',
  'wlan.ht.info.delim1', 'wlan.extcap', 'wlan.vht.capabilities', 'wlan.vht.op.channelwidth', 'wlan.ext_tag.number', 'wlan.ext_tag.length', 'wlan.qbss.scount',
  'wlan.qbss.cu', 'wlan.powercon.local', 'wlan.wfa.ie.type'];

const frames80211 = (): number[][] => [beacon('lab net'), beacon('tab\there\\'), ...management(), ...control(), ...data(), richBeacon()];

test('802.11: management, control, data and protected frames agree with tshark', { skip: tsharkSkip() }, () => {
  const all = frames80211();
  const cuts = [all[0].slice(0, 1), all[0].slice(0, 20), all[0].slice(0, 30), all[0].slice(0, 40), all[0].slice(0, 45), all[3].slice(0, 25), all[27].slice(0, 27), all[13].slice(0, 28)];
  const r = craftedAgrees('wlan', [...all, ...cuts], [...COLS, ...MAC], { seed: ['wlan', 105], linkType: 105, damageFrom: 0 });
  assert.equal(r.theirs[0][2], '802.11');
  const m = craftedAgrees('wlan-mgt', [...all.slice(0, 18), all[all.length - 1], ...cuts], [...COLS, ...MGT], { seed: ['wlan-mgt', 105], linkType: 105, damageFrom: 0 });
  assert.ok(m.frames > 10);
  assert.equal(r.theirs[2][3], 'Probe Request, SN=17, FN=0, Flags=........, SSID=Wildcard (Broadcast)');
  assert.equal(r.theirs[24][0], 'wlan:llc:ip:udp:dns');
});

const RT = ['radiotap.version', 'radiotap.pad', 'radiotap.length', 'radiotap.present.word', 'radiotap.present.tsft', 'radiotap.present.flags', 'radiotap.present.rate',
  'radiotap.present.channel', 'radiotap.present.dbm_antsignal', 'radiotap.present.antenna', 'radiotap.present.mcs', 'radiotap.present.ampdu', 'radiotap.present.vht',
  'radiotap.present.rtap_ns', 'radiotap.present.vendor_ns', 'radiotap.present.ext', 'radiotap.mactime', 'radiotap.flags', 'radiotap.flags.preamble',
  'radiotap.flags.fcs', 'radiotap.flags.badfcs', 'radiotap.datarate', 'radiotap.channel.freq', 'radiotap.channel.flags', 'radiotap.channel.flags.cck',
  'radiotap.channel.flags.ofdm', 'radiotap.channel.flags.2ghz', 'radiotap.channel.flags.5ghz', 'radiotap.dbm_antsignal', 'radiotap.dbm_antnoise',
  'radiotap.db_antsignal', 'radiotap.db_antnoise', 'radiotap.antenna', 'radiotap.rxflags', 'radiotap.txflags', 'radiotap.data_retries', 'radiotap.mcs.known',
  'radiotap.mcs.have_bw', 'radiotap.mcs.have_index', 'radiotap.mcs.have_gi', 'radiotap.mcs.bw', 'radiotap.mcs.gi', 'radiotap.mcs.index',
  'radiotap.ampdu.reference', 'radiotap.ampdu.flags', 'radiotap.vht.known', 'radiotap.vht.have_gi', 'radiotap.vht.gi', 'radiotap.vht.bw', 'radiotap.vht.mcs.0',
  'radiotap.vht.nss.0', 'radiotap.vht.coding.0', 'radiotap.vht.datarate.0', 'radiotap.vht.gid', 'radiotap.vht.paid'];
// wlan_radio's airtime (duration, preamble, start/end TSF) is estimated for 11b/a/g only (so the HT/VHT frames
// here leave those out); its IFS, which needs the previous frame's end, is not produced
const AIRTIME = ['wlan_radio.duration', 'wlan_radio.preamble', 'wlan_radio.start_tsf', 'wlan_radio.end_tsf'];
const RADIO = ['wlan_radio.phy', 'wlan_radio.11a.turbo_type', 'wlan_radio.11g.mode', 'wlan_radio.short_preamble', 'wlan_radio.11n.mcs_index',
  'wlan_radio.11n.bandwidth', 'wlan_radio.11n.short_gi', 'wlan_radio.11ac.bandwidth', 'wlan_radio.11ac.mcs', 'wlan_radio.11ac.nss', 'wlan_radio.11ac.short_gi',
  'wlan_radio.11ac.fec', 'wlan_radio.data_rate', 'wlan_radio.channel', 'wlan_radio.frequency', 'wlan_radio.signal_dbm', 'wlan_radio.noise_dbm',
  'wlan_radio.signal_db', 'wlan_radio.noise_db', 'wlan_radio.snr', 'wlan_radio.timestamp', 'wlan_radio.a_mpdu_aggregate_id'];

test('radiotap: presence words, aligned fields, wlan_radio and the 802.11 frame behind agree with tshark', { skip: tsharkSkip() }, () => {
  const f = radiotapFrames();
  const ht = new Set([2, 4, 5]);
  craftedAgrees('radiotap-airtime', f.filter((_, i) => !ht.has(i)), [...COLS, ...AIRTIME], { seed: ['radiotap-airtime', 127], linkType: 127, damageFrom: 0 });
  const r = craftedAgrees('radiotap', f, [...COLS, ...RT, ...RADIO, 'wlan.fc.type_subtype', 'wlan.ssid', 'wlan.fcs', 'wlan.fcs.status', 'ip.src', 'ipv6.dst'],
    { seed: ['radiotap', 127], linkType: 127, damageFrom: 0 });
  assert.equal(r.theirs[0][0], 'radiotap:wlan_radio:wlan');
  assert.equal(r.theirs[1][0], 'radiotap:wlan_radio:wlan:llc:ip:udp:dns');
});

test('802.11: the Source and Destination columns agree with tshark (control frames name the role)', { skip: tsharkSkip() }, () => {
  const path = join(outputDir('dissect-compare'), 'wlan-columns.pcap');
  writeFileSync(path, pcapFile([...frames80211(), ...radiotapFrames()].slice(0, 45), { linkType: 105 }));
  assert.deepEqual(addressColumnsDiffer(path), []);
});
