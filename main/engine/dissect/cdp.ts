// CDP, the Cisco Discovery Protocol (LLC SNAP, OUI 00:00:0c, PID 0x2000):
// version, TTL and checksum, then TLVs of a 16-bit type and a 16-bit
// length that counts its own header. Fields and Info ("Device ID: x  Port
// ID: y  ") as tshark 4.0's packet-cdp.c, the checksum verified as it
// does (the Internet checksum, with CDP's odd treatment of a last odd
// byte). A TLV shorter than its header ends the TLVs (the rest is data);
// one that runs past the frame is a malformed packet.
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { dissectData } from './data';
import { formatText } from './format';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { LLC_SNAP } = tables;
const { u16, u32 } = readers;

/** Every field tshark 4.0 declares for CDP (tshark -G fields), so filters know all of them. */
declare('cdp', 'Cisco Discovery Protocol', [
  ['cdp.version', 'uint', 'Version'],
  ['cdp.ttl', 'uint', 'TTL'],
  ['cdp.checksum', 'uint', 'Checksum', { base: 'hex', hexDigits: 4 }],
  ['cdp.checksum.status', 'uint', 'Checksum Status', { valueNames: { 0: 'Bad', 1: 'Good', 2: 'Unverified', 3: 'Not present', 4: 'Illegal' } }],
  ['cdp.tlv.type', 'uint', 'Type', { base: 'hex', hexDigits: 4, valueNames: { 1: 'Device ID', 2: 'Addresses', 3: 'Port ID', 4: 'Capabilities', 5: 'Software version', 6: 'Platform', 7: 'IP Prefix/Gateway (used for ODR)', 8: 'Protocol Hello', 9: 'VTP Management Domain', 10: 'Native VLAN', 11: 'Duplex', 14: 'VoIP VLAN Reply', 15: 'VoIP VLAN Query', 16: 'Power consumption', 17: 'MTU', 18: 'Trust Bitmap', 19: 'Untrusted Port CoS', 20: 'System Name', 21: 'System Object ID', 22: 'Management Address', 23: 'Location', 24: 'External Port-ID', 25: 'Power Requested', 26: 'Power Available', 27: 'Port Unidirectional', 29: 'EnergyWise', 31: 'Spare PoE', 4096: 'BSSID', 4097: 'Serial number', 4098: 'SSID', 4099: 'Radio1 channel', 4102: 'SNMP UDP port', 4103: 'Web TCP port', 4104: 'Source MAC address', 4105: 'Radio2 channel', 4106: 'Radio1 Operating mode', 4107: 'Radio2 Operating mode', 4108: 'Radio1 Radio mode', 4109: 'Radio2 Radio mode' } }],
  ['cdp.tlv.len', 'uint', 'Length'],
  ['cdp.nrgyz.tlv.type', 'uint', 'TLV Type', { base: 'hex', hexDigits: 8, valueNames: { 7: 'Role', 8: 'Domain', 9: 'Name', 23: 'Reply To' } }],
  ['cdp.nrgyz.tlv.len', 'uint', 'TLV Length'],
  ['cdp.deviceid', 'string', 'Device ID'],
  ['cdp.platform', 'string', 'Platform'],
  ['cdp.portid', 'string', 'Sent through Interface'],
  ['cdp.capabilities', 'uint', 'Capabilities', { base: 'hex', hexDigits: 8 }],
  ['cdp.capabilities.router', 'bool', 'Router'],
  ['cdp.capabilities.trans_bridge', 'bool', 'Transparent Bridge'],
  ['cdp.capabilities.src_bridge', 'bool', 'Source Route Bridge'],
  ['cdp.capabilities.switch', 'bool', 'Switch'],
  ['cdp.capabilities.host', 'bool', 'Host'],
  ['cdp.capabilities.igmp_capable', 'bool', 'IGMP capable'],
  ['cdp.capabilities.repeater', 'bool', 'Repeater'],
  ['cdp.capabilities.voip_phone', 'bool', 'VoIP Phone'],
  ['cdp.capabilities.remote', 'bool', 'Remotely Managed Device'],
  ['cdp.capabilities.cvta', 'bool', 'CVTA/STP Dispute Resolution/Cisco VT Camera'],
  ['cdp.capabilities.mac_relay', 'bool', 'Two Port Mac Relay'],
  ['cdp.spare_poe_tlv', 'uint', 'Spare Pair PoE', { base: 'hex', hexDigits: 2 }],
  ['cdp.spare_poe_tlv.poe', 'bool', 'PSE Four-Wire PoE'],
  ['cdp.spare_poe_tlv.spare_pair_arch', 'bool', 'PD Spare Pair Architecture'],
  ['cdp.spare_poe_tlv.req_spare_pair_poe', 'bool', 'PD Request Spare Pair PoE'],
  ['cdp.spare_poe_tlv.pse_spare_pair_poe', 'bool', 'PSE Spare Pair PoE'],
  ['cdp.number_of_addresses', 'uint', 'Number of addresses'],
  ['cdp.odr_default_gateway', 'ipv4', 'ODR Default gateway'],
  ['cdp.ip_prefix', 'ipv4', 'IP Prefix'],
  ['cdp.oui', 'uint', 'OUI'],
  ['cdp.protocol_id', 'uint', 'Protocol ID', { base: 'hex', hexDigits: 4, valueNames: { 274: 'Cluster Management' } }],
  ['cdp.cluster.master_ip', 'ipv4', 'Cluster Master IP'],
  ['cdp.cluster.ip', 'ipv4', 'IP?'],
  ['cdp.cluster.version', 'uint', 'Version?', { base: 'hex', hexDigits: 2 }],
  ['cdp.cluster.sub_version', 'uint', 'Sub Version?', { base: 'hex', hexDigits: 2 }],
  ['cdp.cluster.status', 'uint', 'Status?', { base: 'hex', hexDigits: 2 }],
  ['cdp.cluster.unknown', 'uint', 'UNKNOWN', { base: 'hex', hexDigits: 2 }],
  ['cdp.cluster.commander_mac', 'ether', 'Cluster Commander MAC'],
  ['cdp.cluster.switch_mac', 'ether', 'Switch\'s MAC'],
  ['cdp.cluster.management_vlan', 'uint', 'Management VLAN'],
  ['cdp.hello.unknown', 'bytes', 'Unknown'],
  ['cdp.vtp_management_domain', 'string', 'VTP Management Domain'],
  ['cdp.native_vlan', 'uint', 'Native VLAN'],
  ['cdp.duplex', 'bool', 'Duplex'],
  ['cdp.data', 'bytes', 'Data'],
  ['cdp.voice_vlan', 'uint', 'Voice VLAN'],
  ['cdp.power_consumption', 'uint', 'Power Consumption'],
  ['cdp.mtu', 'uint', 'MTU'],
  ['cdp.trust_bitmap', 'uint', 'Trust Bitmap', { base: 'hex', hexDigits: 2 }],
  ['cdp.untrusted_port_cos', 'uint', 'Untrusted port CoS', { base: 'hex', hexDigits: 2 }],
  ['cdp.system_name', 'string', 'System Name'],
  ['cdp.system_object_identifier', 'bytes', 'System Object Identifier'],
  ['cdp.location.unknown', 'uint', 'UNKNOWN', { base: 'hex', hexDigits: 2 }],
  ['cdp.location', 'string', 'Location'],
  ['cdp.request_id', 'uint', 'Request-ID'],
  ['cdp.management_id', 'uint', 'Management-ID'],
  ['cdp.power_requested', 'uint', 'Power Requested'],
  ['cdp.power_available', 'uint', 'Power Available'],
  ['cdp.encrypted_data', 'bytes', 'Encrypted Data'],
  ['cdp.seen_sequence', 'uint', 'Seen Sequence?'],
  ['cdp.sequence_number', 'uint', 'Sequence Number'],
  ['cdp.model_number', 'string', 'Model Number'],
  ['cdp.unknown_pad', 'uint', 'Unknown Pad', { base: 'hex', hexDigits: 4 }],
  ['cdp.hardware_version_id', 'string', 'Hardware Version ID'],
  ['cdp.system_serial_number', 'string', 'System Serial Number'],
  ['cdp.nrgyz_unknown_values', 'bytes', 'Unknown Values'],
  ['cdp.len_tlv_table', 'uint', 'Length of TLV table'],
  ['cdp.num_tlvs_table', 'uint', 'Number of TLVs in table'],
  ['cdp.protocol', 'bytes', 'Protocol'],
  ['cdp.protocol_type', 'uint', 'Protocol type', { base: 'hex', hexDigits: 2, valueNames: { 1: 'NLPID', 2: '802.2' } }],
  ['cdp.protocol_length', 'uint', 'Protocol length'],
  ['cdp.address', 'bytes', 'Address'],
  ['cdp.address_length', 'uint', 'Address length'],
  ['cdp.nrgyz_reply_to.unknown_field', 'uint', 'Unknown Field', { base: 'hex', hexDigits: 4 }],
  ['cdp.nrgyz_reply_to.port', 'uint', 'Port'],
  ['cdp.nrgyz.ip_address', 'ipv4', 'IP Address'],
  ['cdp.nrgyz.ipv6_address', 'ipv6', 'IPv6 Address'],
  ['cdp.nrgyz_reply_to.ip_address', 'ipv4', 'IP Address'],
  ['cdp.nrgyz_reply_to.backup_server_port', 'uint', 'Backup server Port?'],
  ['cdp.nrgyz_reply_to.backup_server_ip', 'ipv4', 'Backup Server IP?'],
  ['cdp.nrgyz_reply_to.name', 'string', 'Name'],
  ['cdp.nrgyz_reply_to.domain', 'string', 'Domain'],
  ['cdp.nrgyz_reply_to.role', 'string', 'Role'],
  ['cdp.software_version', 'string', 'Software version'],
  ['cdp.invalid_data', 'none', 'Invalid bytes at end'],
  ['cdp.nrgyz_tlv.length.invalid', 'none', 'TLV with invalid length'],
  ['cdp.bad_checksum', 'none', 'Bad checksum'],
]);

const DEVICE_ID = 0x01, ADDRESSES = 0x02, PORT_ID = 0x03, CAPABILITIES = 0x04, VERSION = 0x05, PLATFORM = 0x06, IP_PREFIX = 0x07,
  VTP_DOMAIN = 0x09, NATIVE_VLAN = 0x0a, DUPLEX = 0x0b, VOIP_REPLY = 0x0e, VOIP_QUERY = 0x0f, POWER = 0x10, MTU = 0x11,
  TRUST_BITMAP = 0x12, UNTRUSTED_COS = 0x13, SYSTEM_NAME = 0x14, SYSTEM_OID = 0x15, MGMT_ADDR = 0x16, LOCATION = 0x17,
  POWER_REQUESTED = 0x19, POWER_AVAILABLE = 0x1a, SPARE_POE = 0x1f;
/** TLVs tshark reads as one more Platform-like string (HP's CDP extensions, 0x1000-0x100a but 0x1001... as packet-cdp.c lists). */
const HP_STRINGS = new Set([0x1000, 0x1001, 0x1002, 0x1003, 0x1004, 0x1005, 0x1006, 0x1007, 0x1008, 0x1009, 0x100a, 0x100b]);
const CAP_BITS = ['router', 'trans_bridge', 'src_bridge', 'switch', 'host', 'igmp_capable', 'repeater', 'voip_phone', 'remote', 'cvta', 'mac_relay'];
const SPARE_POE_BITS = ['poe', 'spare_pair_arch', 'req_spare_pair_poe', 'pse_spare_pair_poe'];
const NLPID_IP = 0xcc, ETHERTYPE_IPV6 = 0x86dd;

/** A read past the frame: tshark's bounds exception, which ends the dissection as malformed. */
class Cut extends Error {}

/** An ENC_ASCII string's value, stopping at a NUL as Wireshark's string values do. */
function str(d: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = o; i < o + n; i++) {
    if (d[i] === 0) break;
    s += d[i] < 0x80 ? String.fromCharCode(d[i]) : '\ufffd';
  }
  return s;
}

/**
 * The Internet checksum over CDP's bytes as Cisco computes it: an odd last
 * byte is taken as the low byte of a last word, with an off-by-one fix
 * when its top bit is set (packet-cdp.c). 0 when the checksum agrees.
 */
export function cdpChecksum(d: Uint8Array, off: number, end: number): number {
  let sum = 0;
  const len = end - off;
  const even = off + (len & ~1);
  for (let i = off; i < even; i += 2) sum += (d[i] << 8) | d[i + 1];
  if (len & 1) {
    let hi = 0, lo = d[end - 1];
    if (lo & 0x80) { lo = (lo - 1) & 0xff; hi = 0xff; }
    sum += (hi << 8) | lo;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** A multi-line string TLV (the software version): one field per line, as tshark's add_multi_line_string_to_tree. */
function lines(ctx: Ctx, l: FieldNode, name: string, o: number, end: number): void {
  const d = ctx.d;
  while (o < end) {
    let e = o;
    while (e < end && d[e] !== 10 && d[e] !== 13) e++;
    ctx.add(l, name, str(d, o, e - o), o, e - o);
    if (e < end && d[e] === 13 && e + 1 < end && d[e + 1] === 10) e++;
    o = e + 1;
  }
}

/** One address of an Addresses or Management Addresses TLV; its length, or -1 where tshark stops. */
function address(ctx: Ctx, l: FieldNode, o: number, left: number, end: number): number {
  const d = ctx.d;
  const need = (at: number, n: number): void => { if (at + n > end) throw new Cut(); };
  if (left < 1) return -1;
  need(o, 1);
  const ptype = d[o];
  ctx.add(l, 'cdp.protocol_type', ptype, o, 1);
  left--;
  if (left < 1) return -1;
  need(o + 1, 1);
  const plen = d[o + 1];
  ctx.add(l, 'cdp.protocol_length', plen, o + 1, 1);
  left--;
  const p = o + 2;
  if (left < plen) return -1;
  need(p, plen);
  ctx.add(l, 'cdp.protocol', d.subarray(p, p + plen), p, plen);
  let etype = 0, nlpid = -1;
  if (ptype === 1 && plen === 1) nlpid = d[p];
  else if (ptype === 2 && plen === 8 && u32(d, p) === 0xaaaa0300 && u16(d, p + 4) === 0) etype = u16(d, p + 6);
  left -= plen;
  const a = p + plen;
  if (left < 2) return -1;
  need(a, 2);
  const alen = u16(d, a);
  ctx.add(l, 'cdp.address_length', alen, a, 2);
  left -= 2;
  const v = a + 2;
  if (left < alen) {
    if (left !== 0) { need(v, left); ctx.add(l, 'cdp.address', d.subarray(v, v + left), v, left); }
    return -1;
  }
  need(v, alen);
  if (nlpid === NLPID_IP && alen === 4) ctx.add(l, 'cdp.nrgyz.ip_address', u32(d, v), v, 4);
  else if (etype === ETHERTYPE_IPV6 && alen === 16) ctx.add(l, 'cdp.nrgyz.ipv6_address', d.subarray(v, v + 16), v, 16);
  else ctx.add(l, 'cdp.address', d.subarray(v, v + alen), v, alen);
  return 2 + plen + 2 + alen;
}

function addresses(ctx: Ctx, l: FieldNode, o: number, length: number, end: number): void {
  if (o + 8 > end) throw new Cut();
  let n = u32(ctx.d, o + 4);
  ctx.add(l, 'cdp.number_of_addresses', n, o + 4, 4);
  let at = o + 8, left = length - 8;
  // bounded by the TLV's bytes: every address takes at least 4 of them
  while (n !== 0 && left > 0) {
    const used = address(ctx, l, at, left, end);
    if (used < 0) break;
    at += used; left -= used; n--;
  }
}

/** Dissects a CDP PDU at [off, end). */
export function dissectCdp(ctx: Ctx, _st: State, off: number, end: number): void {
  const d = ctx.d;
  const l = ctx.layer('cdp', off, end - off);
  ctx.protocol = 'CDP';
  let info = '';
  ctx.info = '';
  let o = off;
  try {
    if (o + 4 > end) {
      if (o < end) ctx.add(l, 'cdp.version', d[o], o, 1);
      if (o + 1 < end) ctx.add(l, 'cdp.ttl', d[o + 1], o + 1, 1);
      throw new Cut();
    }
    ctx.add(l, 'cdp.version', d[o], o, 1);
    ctx.add(l, 'cdp.ttl', d[o + 1], o + 1, 1);
    ctx.add(l, 'cdp.checksum', u16(d, o + 2), o + 2, 2);
    const good = cdpChecksum(d, off, end) === 0;
    ctx.add(l, 'cdp.checksum.status', good ? 1 : 0, o + 2, 0);
    if (!good) {
      ctx.add(l, 'cdp.bad_checksum', null, o + 2, 2);
      ctx.errorAt('cdp', 'Bad checksum');
    }
    o += 4;
    while (o !== end) {
      if (o + 4 > end) throw new Cut();
      const type = u16(d, o), length = u16(d, o + 2);
      if (length < 4) {
        ctx.add(l, 'cdp.tlv.type', type, o, 2);
        ctx.add(l, 'cdp.tlv.len', length, o + 2, 2);
        o += 4;
        break;
      }
      const v = o + 4, n = length - 4;
      const need = (k: number): void => { if (v + k > end) throw new Cut(); };
      const tlvEnd = o + length;
      // each TLV's subtree spans its length: one past the frame throws before its first field
      if (tlvEnd > end) throw new Cut();
      if (type === PORT_ID) {
        // packet-cdp.c: some senders count 3 bytes short; the 3 bytes after the TLV then belong to it
        let real = length;
        if (end - o >= length + 3 && d[o + length] !== 0x00 && d[o + length] !== 0x10) real = length + 3;
        need(n);
        info += `Port ID: ${formatText(str(d, v, n))}  `;
        ctx.info = info;
        ctx.add(l, 'cdp.tlv.type', type, o, 2);
        ctx.add(l, 'cdp.tlv.len', length, o + 2, 2);
        need(real - 4);
        ctx.add(l, 'cdp.portid', str(d, v, real - 4), v, real - 4);
        o += real;
        continue;
      }
      if (type === DEVICE_ID) {
        need(n);
        info += `Device ID: ${formatText(str(d, v, n))}  `;
        ctx.info = info;
      }
      ctx.add(l, 'cdp.tlv.type', type, o, 2);
      ctx.add(l, 'cdp.tlv.len', length, o + 2, 2);
      switch (type) {
        case DEVICE_ID: ctx.add(l, 'cdp.deviceid', str(d, v, n), v, n); break;
        case ADDRESSES: case MGMT_ADDR: addresses(ctx, l, o, length, end); break;
        case CAPABILITIES:
          if (n >= 4) {
            need(4);
            const c = u32(d, v);
            ctx.add(l, 'cdp.capabilities', c, v, 4);
            for (let i = 0; i < CAP_BITS.length; i++) ctx.add(l, `cdp.capabilities.${CAP_BITS[i]}`, ((c >>> i) & 1) === 1, v, 4);
          }
          break;
        case VERSION: lines(ctx, l, 'cdp.software_version', v, tlvEnd); break;
        case PLATFORM: need(n); ctx.add(l, 'cdp.platform', str(d, v, n), v, n); break;
        case IP_PREFIX:
          if (length === 8) { need(4); ctx.add(l, 'cdp.odr_default_gateway', u32(d, v), v, 4); }
          else for (let p = v, left = n; left > 0; p += 5, left -= 5) {
            if (p + 5 > end) throw new Cut();
            // tshark hands the address over in host order: it prints with its bytes reversed
            ctx.add(l, 'cdp.ip_prefix', (d[p + 3] << 24 | d[p + 2] << 16 | d[p + 1] << 8 | d[p]) >>> 0, p, 5);
          }
          break;
        case VTP_DOMAIN: need(n); ctx.add(l, 'cdp.vtp_management_domain', str(d, v, n), v, n); break;
        case NATIVE_VLAN: need(2); ctx.add(l, 'cdp.native_vlan', u16(d, v), v, 2); break;
        case DUPLEX: need(1); ctx.add(l, 'cdp.duplex', d[v] !== 0, v, 1); break;
        case VOIP_REPLY: case VOIP_QUERY:
          if (length === 6) { need(2); ctx.add(l, 'cdp.data', d.subarray(v, v + 2), v, 2); }
          else { need(3); ctx.add(l, 'cdp.data', d.subarray(v, v + 1), v, 1); ctx.add(l, 'cdp.voice_vlan', u16(d, v + 1), v + 1, 2); }
          break;
        case POWER: need(2); ctx.add(l, 'cdp.power_consumption', u16(d, v), v, 2); break;
        case MTU: need(4); ctx.add(l, 'cdp.mtu', u32(d, v), v, 4); break;
        case TRUST_BITMAP: need(1); ctx.add(l, 'cdp.trust_bitmap', d[v], v, 1); break;
        case UNTRUSTED_COS: need(1); ctx.add(l, 'cdp.untrusted_port_cos', d[v], v, 1); break;
        case SYSTEM_NAME: need(n); ctx.add(l, 'cdp.system_name', str(d, v, n), v, n); break;
        case SYSTEM_OID: need(n); ctx.add(l, 'cdp.system_object_identifier', d.subarray(v, v + n), v, n); break;
        case LOCATION:
          need(Math.max(1, n));
          ctx.add(l, 'cdp.location.unknown', d[v], v, 1);
          ctx.add(l, 'cdp.location', str(d, v + 1, n - 1), v + 1, n - 1);
          break;
        case POWER_REQUESTED: case POWER_AVAILABLE: {
          if (length < 8) break;
          need(4);
          ctx.add(l, 'cdp.request_id', u16(d, v), v, 2);
          ctx.add(l, 'cdp.management_id', u16(d, v + 2), v + 2, 2);
          const name = type === POWER_REQUESTED ? 'cdp.power_requested' : 'cdp.power_available';
          for (let p = v + 4, left = length - 8; left >= 4; p += 4, left -= 4) {
            if (p + 4 > end) throw new Cut();
            ctx.add(l, name, u32(d, p), p, 4);
          }
          break;
        }
        case SPARE_POE:
          if (n > 0) {
            need(1);
            ctx.add(l, 'cdp.spare_poe_tlv', d[v], v, 1);
            for (let i = 0; i < SPARE_POE_BITS.length; i++) ctx.add(l, `cdp.spare_poe_tlv.${SPARE_POE_BITS[i]}`, ((d[v] >> i) & 1) === 1, v, 1);
          }
          break;
        default:
          if (HP_STRINGS.has(type)) { need(n); if (n > 0) ctx.add(l, 'cdp.platform', str(d, v, n), v, n); break; }
          // an unknown TLV with nothing in it ends the dissection where it is (packet-cdp.c returns)
          if (length <= 4) return;
          need(n);
          ctx.add(l, 'cdp.data', d.subarray(v, v + n), v, n);
      }
      o = tlvEnd;
      if (o > end) throw new Cut();
    }
    if (o < end) dissectData(ctx, o, end);
    ctx.info = info;
  } catch (e) {
    if (!(e instanceof Cut)) throw e;
    ctx.info = info;
    ctx.boundsAt('cdp', `CDP TLV cut short at byte ${o - off}`, o, Math.max(0, end - o));
  }
}

LLC_SNAP.add(0x00000c * 0x10000 + 0x2000, dissectCdp);
