// LLDP, the Link Layer Discovery Protocol (IEEE 802.1AB, ethertype
// 0x88cc): TLVs of a 7-bit type and a 9-bit length. The mandatory three
// (chassis id, port id, time to live) come first, then optional ones until
// End of LLDPDU. Fields, Info and damage as tshark 4.0's packet-lldp.c:
// Info lists "<id type>/<id> " for chassis and port, the TTL, SysN= and
// SysD=; a first TLV of the wrong type or length replaces Info with
// "Invalid ... TLV"; a second chassis, port or TTL TLV ends the PDU with
// "Duplicate ... TLV"; a read past a TLV's bytes is a malformed packet.
// The organisation-specific TLVs decoded are IEEE 802.1, IEEE 802.3 and
// TIA LLDP-MED; any other OUI keeps its header (and, for OUIs tshark has
// no decoder for, its subtype and content as lldp.unknown_subtype*).
import type { Ctx, FieldNode } from './context';
import type { State } from './state';
import { declare } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { bytesToHex, etherToString, ipv4ToString, ipv6ToString } from './addr';
import { formatText } from './format';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { ETHERTYPE } = tables;
const { u16, u24, u32 } = readers;

/** Every field tshark 4.0 declares for LLDP (tshark -G fields), so filters know all of them. */
declare('lldp', 'Link Layer Discovery Protocol', [
  ['lldp.tlv.type', 'uint', 'TLV Type', { valueNames: { 0: 'End of LLDPDU', 1: 'Chassis Id', 2: 'Port Id', 3: 'Time to Live', 4: 'Port Description', 5: 'System Name', 6: 'System Description', 7: 'System Capabilities', 8: 'Management Address', 127: 'Organization Specific' } }],
  ['lldp.tlv.len', 'uint', 'TLV Length'],
  ['lldp.tlv.system_cap', 'uint', 'Capabilities', { base: 'hex', hexDigits: 4 }],
  ['lldp.tlv.system_cap.other', 'bool', 'Other'],
  ['lldp.tlv.system_cap.repeater', 'bool', 'Repeater'],
  ['lldp.tlv.system_cap.bridge', 'bool', 'Bridge'],
  ['lldp.tlv.system_cap.wlan_access_pt', 'bool', 'WLAN access point'],
  ['lldp.tlv.system_cap.router', 'bool', 'Router'],
  ['lldp.tlv.system_cap.telephone', 'bool', 'Telephone'],
  ['lldp.tlv.system_cap.docsis_cable_device', 'bool', 'DOCSIS cable device'],
  ['lldp.tlv.system_cap.station_only', 'bool', 'Station only'],
  ['lldp.tlv.system.name', 'string', 'System Name'],
  ['lldp.tlv.system.desc', 'string', 'System Description'],
  ['lldp.tlv.enable_system_cap', 'uint', 'Enabled Capabilities', { base: 'hex', hexDigits: 4 }],
  ['lldp.tlv.enable_system_cap.other', 'bool', 'Other'],
  ['lldp.tlv.enable_system_cap.repeater', 'bool', 'Repeater'],
  ['lldp.tlv.enable_system_cap.bridge', 'bool', 'Bridge'],
  ['lldp.tlv.enable_system_cap.wlan_access_pt', 'bool', 'WLAN access point'],
  ['lldp.tlv.enable_system_cap.router', 'bool', 'Router'],
  ['lldp.tlv.enable_system_cap.telephone', 'bool', 'Telephone'],
  ['lldp.tlv.enable_system_cap.docsis_cable_device', 'bool', 'DOCSIS cable device'],
  ['lldp.tlv.enable_system_cap.station_only', 'bool', 'Station only'],
  ['lldp.chassis.subtype', 'uint', 'Chassis Id Subtype', { valueNames: { 0: 'Reserved', 1: 'Chassis component', 2: 'Interface alias', 3: 'Port component', 4: 'MAC address', 5: 'Network address', 6: 'Interface name', 7: 'Locally assigned' } }],
  ['lldp.chassis.id', 'bytes', 'Chassis Id'],
  ['lldp.chassis.id.mac', 'ether', 'Chassis Id'],
  ['lldp.chassis.id.ip4', 'ipv4', 'Chassis Id'],
  ['lldp.chassis.id.ip6', 'ipv6', 'Chassis Id'],
  ['lldp.port.subtype', 'uint', 'Port Id Subtype', { valueNames: { 0: 'Reserved', 1: 'Interface alias', 2: 'Port component', 3: 'MAC address', 4: 'Network address', 5: 'Interface name', 6: 'Agent circuit Id', 7: 'Locally assigned' } }],
  ['lldp.port.id', 'string', 'Port Id'],
  ['lldp.port.desc', 'string', 'Port Description'],
  ['lldp.port.id.mac', 'ether', 'Port Id'],
  ['lldp.network_address.subtype', 'uint', 'Network Address family', { valueNames: { 0: 'Reserved', 1: 'IPv4', 2: 'IPv6', 3: 'NSAP', 4: 'HDLC (8-bit multidrop)', 5: 'BBN 1822', 6: '802 (includes all 802 media plus Ethernet)', 7: 'E.163', 8: 'E.164 (SMDS, Frame Relay, ATM)', 9: 'F.69 (Telex)', 10: 'X.121 (X.25, Frame Relay)', 11: 'IPX', 12: 'Appletalk', 13: 'Decnet IV', 14: 'Banyan Vines', 15: 'E.164 with NSAP subaddress', 16: 'DNS (Domain Name System)', 17: 'Distinguished Name', 18: 'AS Number', 19: 'XTP over IP version 4', 20: 'XTP over IP version 6', 21: 'XTP native mode XTP', 22: 'Fibre Channel World-Wide Port Name', 23: 'Fibre Channel World-Wide Node Name', 24: 'GWID', 25: 'Layer-2 VPN', 26: 'MPLS-TP Section Endpoint Identifier', 27: 'MPLS-TP LSP Endpoint Identifier', 28: 'MPLS-TP Pseudowire Endpoint Identifier', 29: 'MT IP: Multi-Topology IP version 4', 30: 'MT IPv6: Multi-Topology IP version 6', 196: 'Layer-2 VPN (old)', 16384: 'EIGRP Common Service Family', 16385: 'EIGRP IPv4 Service Family', 16386: 'EIGRP IPv6 Service Family', 16387: 'LISP Canonical Address Format (LCAF)', 16388: 'BGP-LS', 16389: '48-bit MAC Address', 16390: '64-bit MAC Address', 16391: 'OUI', 16392: 'MAC/24', 16393: 'MAC/40', 16394: 'IPv6/64', 16395: 'RBridge Port ID', 16396: 'TRILL Nickname', 65535: 'Reserved' } }],
  ['lldp.port.id.ip4', 'ipv4', 'Port Id'],
  ['lldp.port.id.ip6', 'ipv6', 'Port Id'],
  ['lldp.time_to_live', 'uint', 'Seconds'],
  ['lldp.mgn.address.len', 'uint', 'Address String Length'],
  ['lldp.mgn.address.subtype', 'uint', 'Address Subtype', { valueNames: { 0: 'Reserved', 1: 'IPv4', 2: 'IPv6', 3: 'NSAP', 4: 'HDLC (8-bit multidrop)', 5: 'BBN 1822', 6: '802 (includes all 802 media plus Ethernet)', 7: 'E.163', 8: 'E.164 (SMDS, Frame Relay, ATM)', 9: 'F.69 (Telex)', 10: 'X.121 (X.25, Frame Relay)', 11: 'IPX', 12: 'Appletalk', 13: 'Decnet IV', 14: 'Banyan Vines', 15: 'E.164 with NSAP subaddress', 16: 'DNS (Domain Name System)', 17: 'Distinguished Name', 18: 'AS Number', 19: 'XTP over IP version 4', 20: 'XTP over IP version 6', 21: 'XTP native mode XTP', 22: 'Fibre Channel World-Wide Port Name', 23: 'Fibre Channel World-Wide Node Name', 24: 'GWID', 25: 'Layer-2 VPN', 26: 'MPLS-TP Section Endpoint Identifier', 27: 'MPLS-TP LSP Endpoint Identifier', 28: 'MPLS-TP Pseudowire Endpoint Identifier', 29: 'MT IP: Multi-Topology IP version 4', 30: 'MT IPv6: Multi-Topology IP version 6', 196: 'Layer-2 VPN (old)', 16384: 'EIGRP Common Service Family', 16385: 'EIGRP IPv4 Service Family', 16386: 'EIGRP IPv6 Service Family', 16387: 'LISP Canonical Address Format (LCAF)', 16388: 'BGP-LS', 16389: '48-bit MAC Address', 16390: '64-bit MAC Address', 16391: 'OUI', 16392: 'MAC/24', 16393: 'MAC/40', 16394: 'IPv6/64', 16395: 'RBridge Port ID', 16396: 'TRILL Nickname', 65535: 'Reserved' } }],
  ['lldp.mgn.addr.ip4', 'ipv4', 'Management Address'],
  ['lldp.mgn.addr.ip6', 'ipv6', 'Management Address'],
  ['lldp.mgn.addr.hex', 'bytes', 'Management Address'],
  ['lldp.mgn.interface.subtype', 'uint', 'Interface Subtype', { valueNames: { 1: 'Unknown', 2: 'ifIndex', 3: 'System port number' } }],
  ['lldp.mgn.interface.number', 'uint', 'Interface Number'],
  ['lldp.mgn.obj.len', 'uint', 'OID String Length'],
  ['lldp.mgn.obj.id', 'string', 'Object Identifier'],
  ['lldp.orgtlv.oui', 'uint', 'Organization Unique Code'],
  ['lldp.dcbx.proto', 'uint', 'DCBx Protocol', { base: 'hex', hexDigits: 2, valueNames: { 1: '1.0 CIN', 2: '1.01 CEE' } }],
  ['lldp.dcbx.type', 'uint', 'DCBx TLV Type', { valueNames: { 1: 'DCBx Control', 2: 'Priority Groups', 3: 'Priority-Based Flow Control', 4: 'Application Protocol', 6: 'Logical Link Down' } }],
  ['lldp.dcbx.len', 'uint', 'DCBx TLV Length'],
  ['lldp.dcbx.version', 'uint', 'Operating Version', { base: 'hex', hexDigits: 2, valueNames: { 1: '1.0 CIN', 2: '1.01 CEE' } }],
  ['lldp.dcbx.max_version', 'uint', 'Max Version', { base: 'hex', hexDigits: 2, valueNames: { 1: '1.0 CIN', 2: '1.01 CEE' } }],
  ['lldp.dcbx.control.seq', 'uint', 'Sequence No'],
  ['lldp.dcbx.control.ack', 'uint', 'Ack No'],
  ['lldp.dcbx.feature.enabled', 'bool', 'Feature'],
  ['lldp.dcbx.feature.willing', 'bool', 'Willing'],
  ['lldp.dcbx.feature.error', 'bool', 'Error'],
  ['lldp.dcbx.feature.subtype', 'uint', 'Subtype', { base: 'hex', hexDigits: 2 }],
  ['lldp.dcbx.feature.pg.reserved', 'uint', 'Reserved', { base: 'hex', hexDigits: 2 }],
  ['lldp.dcbx.feature.pg.pgid_prio0', 'uint', 'PGID for Prio 0'],
  ['lldp.dcbx.feature.pg.pgid_prio1', 'uint', 'PGID for Prio 1'],
  ['lldp.dcbx.feature.pg.pgid_prio2', 'uint', 'PGID for Prio 2'],
  ['lldp.dcbx.feature.pg.pgid_prio3', 'uint', 'PGID for Prio 3'],
  ['lldp.dcbx.feature.pg.pgid_prio4', 'uint', 'PGID for Prio 4'],
  ['lldp.dcbx.feature.pg.pgid_prio5', 'uint', 'PGID for Prio 5'],
  ['lldp.dcbx.feature.pg.pgid_prio6', 'uint', 'PGID for Prio 6'],
  ['lldp.dcbx.feature.pg.pgid_prio7', 'uint', 'PGID for Prio 7'],
  ['lldp.dcbx.feature.pg.per0', 'uint', 'Bandwidth for PGID 0'],
  ['lldp.dcbx.feature.pg.per1', 'uint', 'Bandwidth for PGID 1'],
  ['lldp.dcbx.feature.pg.per2', 'uint', 'Bandwidth for PGID 2'],
  ['lldp.dcbx.feature.pg.per3', 'uint', 'Bandwidth for PGID 3'],
  ['lldp.dcbx.feature.pg.per4', 'uint', 'Bandwidth for PGID 4'],
  ['lldp.dcbx.feature.pg.per5', 'uint', 'Bandwidth for PGID 5'],
  ['lldp.dcbx.feature.pg.per6', 'uint', 'Bandwidth for PGID 6'],
  ['lldp.dcbx.feature.pg.per7', 'uint', 'Bandwidth for PGID 7'],
  ['lldp.dcbx.feature.pg.numtcs', 'uint', 'Number of Traffic Classes Supported', { base: 'hex', hexDigits: 2 }],
  ['lldp.dcbx.feature.pfc.prio0', 'bool', 'PFC for Priority 0'],
  ['lldp.dcbx.feature.pfc.prio1', 'bool', 'PFC for Priority 1'],
  ['lldp.dcbx.feature.pfc.prio2', 'bool', 'PFC for Priority 2'],
  ['lldp.dcbx.feature.pfc.prio3', 'bool', 'PFC for Priority 3'],
  ['lldp.dcbx.feature.pfc.prio4', 'bool', 'PFC for Priority 4'],
  ['lldp.dcbx.feature.pfc.prio5', 'bool', 'PFC for Priority 5'],
  ['lldp.dcbx.feature.pfc.prio6', 'bool', 'PFC for Priority 6'],
  ['lldp.dcbx.feature.pfc.prio7', 'bool', 'PFC for Priority 7'],
  ['lldp.dcbx.feature.pfc.numtcs', 'uint', 'Number of Traffic Classes Supported', { base: 'hex', hexDigits: 2 }],
  ['lldp.dcbx.feature.app.proto', 'uint', 'Application Protocol Id', { base: 'hex', hexDigits: 4 }],
  ['lldp.dcbx.feature.app.sf', 'uint', 'Selector Field', { valueNames: { 0: 'EtherType', 1: 'Socket Number' } }],
  ['lldp.dcbx.feature.app.oui', 'uint', 'Application OUI', { base: 'hex', hexDigits: 6 }],
  ['lldp.dcbx.feature.app.prio', 'uint', 'Application Priority'],
  ['lldp.dcbx.feature.llink.type', 'uint', 'Logical Link Down Type', { base: 'hex', hexDigits: 2, valueNames: { 0: 'FCoE Status', 1: 'LAN Status' } }],
  ['lldp.ieee.802_1.subtype', 'uint', 'IEEE 802.1 Subtype', { base: 'hex', hexDigits: 2, valueNames: { 1: 'Port VLAN ID', 2: 'Port and Protocol VLAN ID', 3: 'VLAN Name', 4: 'Protocol Identity', 5: 'VID Usage Digest', 6: 'Management VID', 7: 'Link Aggregation', 8: 'Congestion Notification', 9: 'ETS Configuration', 10: 'ETS Recommendation', 11: 'Priority Flow Control Configuration', 12: 'Application Protocol', 13: 'EVB', 14: 'CDCP', 15: 'Port extension', 16: 'Application VLAN', 17: 'LRP ECP Discovery', 18: 'LRP TCP Discovery', 19: 'Congestion Isolation', 20: 'Topology Recognition' } }],
  ['lldp.ieee.802_1.port_and_vlan_id_flag', 'uint', 'Flags', { base: 'hex', hexDigits: 2 }],
  ['lldp.ieee.802_1.port_and_vlan_id_flag.supported', 'bool', 'Port and Protocol VLAN'],
  ['lldp.ieee.802_1.port_and_vlan_id_flag.enabled', 'bool', 'Port and Protocol VLAN'],
  ['lldp.ieee.802_1.port_vlan.id', 'uint', 'Port VLAN Identifier'],
  ['lldp.ieee.802_1.port_proto_vlan.id', 'uint', 'Port and Protocol VLAN Identifier'],
  ['lldp.ieee.802_1.vlan.id', 'uint', 'VLAN Identifier'],
  ['lldp.ieee.802_1.vlan.name_len', 'uint', 'VLAN Name Length'],
  ['lldp.ieee.802_1.vlan.name', 'string', 'VLAN Name'],
  ['lldp.ieee.802_1.proto.id_length', 'uint', 'Protocol Identity Length'],
  ['lldp.ieee.802_1.proto.id', 'bytes', 'Protocol Identity'],
  ['lldp.ieee.802_1.aggregation_status', 'uint', 'Aggregation Status', { base: 'hex', hexDigits: 2 }],
  ['lldp.ieee.802_1.aggregation_status.cap', 'bool', 'Aggregation Capability'],
  ['lldp.ieee.802_1.aggregation_status.enabled', 'bool', 'Aggregation Status'],
  ['lldp.ieee.802_1.aggregation_status.porttype', 'uint', 'Aggregation Status', { valueNames: { 0: 'Not specified', 1: 'From aggregation port', 2: 'From aggregator', 3: 'From single-port aggregator' } }],
  ['lldp.ieee.802_1.aggregated_port_id', 'uint', 'Aggregated Port Id'],
  ['lldp.ieee.802_1qau.cnpv.prio0', 'bool', 'Priority 0 CNPV Capability'],
  ['lldp.ieee.802_1qau.cnpv.prio1', 'bool', 'Priority 1 CNPV Capability'],
  ['lldp.ieee.802_1qau.cnpv.prio2', 'bool', 'Priority 2 CNPV Capability'],
  ['lldp.ieee.802_1qau.cnpv.prio3', 'bool', 'Priority 3 CNPV Capability'],
  ['lldp.ieee.802_1qau.cnpv.prio4', 'bool', 'Priority 4 CNPV Capability'],
  ['lldp.ieee.802_1qau.cnpv.prio5', 'bool', 'Priority 5 CNPV Capability'],
  ['lldp.ieee.802_1qau.cnpv.prio6', 'bool', 'Priority 6 CNPV Capability'],
  ['lldp.ieee.802_1qau.cnpv.prio7', 'bool', 'Priority 7 CNPV Capability'],
  ['lldp.ieee.802_1qau.ready.prio0', 'bool', 'Priority 0 Ready Indicator'],
  ['lldp.ieee.802_1qau.ready.prio1', 'bool', 'Priority 1 Ready Indicator'],
  ['lldp.ieee.802_1qau.ready.prio2', 'bool', 'Priority 2 Ready Indicator'],
  ['lldp.ieee.802_1qau.ready.prio3', 'bool', 'Priority 3 Ready Indicator'],
  ['lldp.ieee.802_1qau.ready.prio4', 'bool', 'Priority 4 Ready Indicator'],
  ['lldp.ieee.802_1qau.ready.prio5', 'bool', 'Priority 5 Ready Indicator'],
  ['lldp.ieee.802_1qau.ready.prio6', 'bool', 'Priority 6 Ready Indicator'],
  ['lldp.ieee.802_1qau.ready.prio7', 'bool', 'Priority 7 Ready Indicator'],
  ['lldp.dcbx.ieee.willing', 'bool', 'Willing'],
  ['lldp.dcbx.ieee.ets.cbs', 'bool', 'Credit-Based Shaper'],
  ['lldp.dcbx.ieee.ets.maxtcs', 'uint', 'Maximum Number of Traffic Classes'],
  ['lldp.dcbx.ieee.ets.tsa0', 'uint', 'TSA for Traffic Class 0', { valueNames: { 0: 'Strict Priority', 1: 'Credit-Based Shaper', 2: 'Enhanced Transmission Selection', 255: 'Vendor Specific Algorithm' } }],
  ['lldp.dcbx.ieee.ets.tsa1', 'uint', 'TSA for Traffic Class 1', { valueNames: { 0: 'Strict Priority', 1: 'Credit-Based Shaper', 2: 'Enhanced Transmission Selection', 255: 'Vendor Specific Algorithm' } }],
  ['lldp.dcbx.ieee.ets.tsa2', 'uint', 'TSA for Traffic Class 2', { valueNames: { 0: 'Strict Priority', 1: 'Credit-Based Shaper', 2: 'Enhanced Transmission Selection', 255: 'Vendor Specific Algorithm' } }],
  ['lldp.dcbx.ieee.ets.tsa3', 'uint', 'TSA for Traffic Class 3', { valueNames: { 0: 'Strict Priority', 1: 'Credit-Based Shaper', 2: 'Enhanced Transmission Selection', 255: 'Vendor Specific Algorithm' } }],
  ['lldp.dcbx.ieee.ets.tsa4', 'uint', 'TSA for Traffic Class 4', { valueNames: { 0: 'Strict Priority', 1: 'Credit-Based Shaper', 2: 'Enhanced Transmission Selection', 255: 'Vendor Specific Algorithm' } }],
  ['lldp.dcbx.ieee.ets.tsa5', 'uint', 'TSA for Traffic Class 5', { valueNames: { 0: 'Strict Priority', 1: 'Credit-Based Shaper', 2: 'Enhanced Transmission Selection', 255: 'Vendor Specific Algorithm' } }],
  ['lldp.dcbx.ieee.ets.tsa6', 'uint', 'TSA for Traffic Class 6', { valueNames: { 0: 'Strict Priority', 1: 'Credit-Based Shaper', 2: 'Enhanced Transmission Selection', 255: 'Vendor Specific Algorithm' } }],
  ['lldp.dcbx.ieee.ets.tsa7', 'uint', 'TSA for Traffic Class 7', { valueNames: { 0: 'Strict Priority', 1: 'Credit-Based Shaper', 2: 'Enhanced Transmission Selection', 255: 'Vendor Specific Algorithm' } }],
  ['lldp.dcbx.ieee.pfc.mbc', 'bool', 'MACsec Bypass Capability'],
  ['lldp.dcbx.ieee.pfc.numtcs', 'uint', 'Max PFC Enabled Traffic Classes'],
  ['lldp.dcbx.ieee.app.reserved', 'uint', 'Reserved', { base: 'hex', hexDigits: 2 }],
  ['lldp.dcbx.ieee.app.prio', 'uint', 'Application Priority'],
  ['lldp.dcbx.iee.app.sf', 'uint', 'Application Selector', { valueNames: { 0: 'Reserved', 1: 'Default or Ethertype', 2: 'Port over TCP/SCTP', 3: 'Port over UDP/DCCP', 4: 'Port over TCP/SCTP/UDP/DCCP', 5: 'Reserved', 6: 'Reserved', 7: 'Reserved' } }],
  ['lldp.ieee.802_3.subtype', 'uint', 'IEEE 802.3 Subtype', { base: 'hex', hexDigits: 2, valueNames: { 1: 'MAC/PHY Configuration/Status', 2: 'Power Via MDI', 3: 'Link Aggregation', 4: 'Maximum Frame Size', 5: 'EEE (Energy-Efficient Ethernet)', 7: 'IEEE 802.3br Additional Ethernet capabilities' } }],
  ['lldp.ieee.802_3.mac_phy_auto_neg_status', 'uint', 'Auto-Negotiation Support/Status', { base: 'hex', hexDigits: 2 }],
  ['lldp.ieee.802_3.mac_phy_auto_neg_status.supported', 'bool', 'Auto-Negotiation'],
  ['lldp.ieee.802_3.mac_phy_auto_neg_status.enabled', 'bool', 'Auto-Negotiation'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps', 'uint', 'PMD Auto-Negotiation Advertised Capability', { base: 'hex', hexDigits: 4 }],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.1000base_tfd', 'bool', '1000BASE-T (full duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.1000base_t', 'bool', '1000BASE-T (half duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.1000base_xfd', 'bool', '1000BASE-X (-LX, -SX, -CX full duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.1000base_x', 'bool', '1000BASE-X (-LX, -SX, -CX half duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.fdx_bpause', 'bool', 'Asymmetric and Symmetric PAUSE (for full-duplex links)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.fdx_spause', 'bool', 'Symmetric PAUSE (for full-duplex links)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.fdx_apause', 'bool', 'Asymmetric PAUSE (for full-duplex links)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.fdx_pause', 'bool', 'PAUSE (for full-duplex links)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.100base_t2fd', 'bool', '100BASE-T2 (full duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.100base_t2', 'bool', '100BASE-T2 (half duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.100base_txfd', 'bool', '100BASE-TX (full duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.100base_tx', 'bool', '100BASE-TX (half duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.100base_t4', 'bool', '100BASE-T4'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.10base_tfd', 'bool', '10BASE-T (full duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.10base_t', 'bool', '10BASE-T (half duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps.other', 'bool', 'Other or unknown'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.1000base_tfd', 'bool', '1000BASE-T (full duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.1000base_t', 'bool', '1000BASE-T (half duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.1000base_xfd', 'bool', '1000BASE-X (-LX, -SX, -CX full duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.1000base_x', 'bool', '1000BASE-X (-LX, -SX, -CX half duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.fdx_bpause', 'bool', 'Asymmetric and Symmetric PAUSE (for full-duplex links)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.fdx_spause', 'bool', 'Symmetric PAUSE (for full-duplex links)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.fdx_apause', 'bool', 'Asymmetric PAUSE (for full-duplex links)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.fdx_pause', 'bool', 'PAUSE (for full-duplex links)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.100base_t2fd', 'bool', '100BASE-T2 (full duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.100base_t2', 'bool', '100BASE-T2 (half duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.100base_txfd', 'bool', '100BASE-TX (full duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.100base_tx', 'bool', '100BASE-TX (half duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.100base_t4', 'bool', '100BASE-T4'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.10base_tfd', 'bool', '10BASE-T (full duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.10base_t', 'bool', '10BASE-T (half duplex mode)'],
  ['lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv.other', 'bool', 'Other or unknown'],
  ['lldp.ieee.802_3.pmd_mau_type', 'uint', 'Operational MAU Type', { base: 'hex', hexDigits: 4, valueNames: { 0: 'other or unknown', 1: 'AUI - no internal MAU, view from AUI', 2: '10Base5 - thick coax MAU', 3: 'Foirl - FOIRL MAU', 4: '10Base2 - thin coax MAU', 5: '10BaseT - UTP MAU', 6: '10BaseFP - passive fiber MAU', 7: '10BaseFB - sync fiber MAU', 8: '10BaseFL - async fiber MAU', 9: '10Broad36 - broadband DTE MAU', 10: '10BaseTHD - UTP MAU, half duplex mode', 11: '10BaseTFD - UTP MAU, full duplex mode', 12: '10BaseFLHD - async fiber MAU, half duplex mode', 13: '10BaseFLDF - async fiber MAU, full duplex mode', 14: '10BaseT4 - 4 pair category 3 UTP', 15: '100BaseTXHD - 2 pair category 5 UTP, half duplex mode', 16: '100BaseTXFD - 2 pair category 5 UTP, full duplex mode', 17: '100BaseFXHD - X fiber over PMT, half duplex mode', 18: '100BaseFXFD - X fiber over PMT, full duplex mode', 19: '100BaseT2HD - 2 pair category 3 UTP, half duplex mode', 20: '100BaseT2DF - 2 pair category 3 UTP, full duplex mode', 21: '1000BaseXHD - PCS/PMA, unknown PMD, half duplex mode', 22: '1000BaseXFD - PCS/PMA, unknown PMD, full duplex mode', 23: '1000BaseLXHD - Fiber over long-wavelength laser, half duplex mode', 24: '1000BaseLXFD - Fiber over long-wavelength laser, full duplex mode', 25: '1000BaseSXHD - Fiber over short-wavelength laser, half duplex mode', 26: '1000BaseSXFD - Fiber over short-wavelength laser, full duplex mode', 27: '1000BaseCXHD - Copper over 150-Ohm balanced cable, half duplex mode', 28: '1000BaseCXFD - Copper over 150-Ohm balanced cable, full duplex mode', 29: '1000BaseTHD - Four-pair Category 5 UTP, half duplex mode', 30: '1000BaseTFD - Four-pair Category 5 UTP, full duplex mode', 31: '10GigBaseX - X PCS/PMA, unknown PMD.', 32: '10GigBaseLX4 - X fiber over WWDM optics', 33: '10GigBaseR - R PCS/PMA, unknown PMD.', 34: '10GigBaseER - R fiber over 1550 nm optics', 35: '10GigBaseLR - R fiber over 1310 nm optics', 36: '10GigBaseSR - R fiber over 850 nm optics', 37: '10GigBaseW - W PCS/PMA, unknown PMD.', 38: '10GigBaseEW - W fiber over 1550 nm optics', 39: '10GigBaseLW - W fiber over 1310 nm optics', 40: '10GigBaseSW - W fiber over 850 nm optics', 41: '10GBASE-CX4 - X copper over 8 pair 100-Ohm balanced cable', 42: '2BASE-TL - Voice grade UTP copper, up to 2700m, optional PAF', 43: '10PASS-TS - Voice grade UTP copper, up to 750m, optional PAF', 44: '100BASE-BX10D - One single-mode fiber OLT, long wavelength, 10km', 45: '100BASE-BX10U - One single-mode fiber ONU, long wavelength, 10km', 46: '100BASE-LX10 - One single-mode fiber ONU, long wavelength, 10km', 47: '1000BASE-BX10D - One single-mode fiber OLT, long wavelength, 10km', 48: '1000BASE-BX10U - One single-mode fiber ONU, long wavelength, 10km', 49: '1000BASE-LX10 - Two sigle-mode fiber, long wavelength, 10km', 50: '1000BASE-PX10D - One single-mode fiber EPON OLT, 10km', 51: '1000BASE-PX10U - One single-mode fiber EPON ONU, 10km', 52: '1000BASE-PX20D - One single-mode fiber EPON OLT, 20km', 53: '1000BASE-PX20U - One single-mode fiber EPON ONU, 20km' } }],
  ['lldp.ieee.802_3.mdi_power_support', 'uint', 'MDI Power Support', { base: 'hex', hexDigits: 2 }],
  ['lldp.ieee.802_3.mdi_power_support.port_class', 'bool', 'Port Class'],
  ['lldp.ieee.802_3.mdi_power_support.supported', 'bool', 'PSE MDI Power'],
  ['lldp.ieee.802_3.mdi_power_support.enabled', 'bool', 'PSE MDI Power'],
  ['lldp.ieee.802_3.mdi_power_support.pse_pairs', 'bool', 'PSE Pairs Control Ability'],
  ['lldp.ieee.802_3.mdi_pse_pair', 'uint', 'PSE Power Pair'],
  ['lldp.ieee.802_3.mdi_power_class', 'uint', 'Power Class', { valueNames: { 1: '0', 2: '1', 3: '2', 4: '3', 5: '4' } }],
  ['lldp.ieee.802_3.mdi_power_type', 'uint', 'Power Type', { valueNames: { 0: 'Type 2 PSE Device', 1: 'Type 2 PD Device', 2: 'Type 1 PSE Device', 3: 'Type 1 PD Device' } }],
  ['lldp.ieee.802_3.mdi_power_source', 'uint', 'Power Source'],
  ['lldp.ieee.802_3.mdi_power_priority', 'uint', 'Power Priority', { valueNames: { 0: 'Unknown', 1: 'Critical', 2: 'High', 3: 'Low' } }],
  ['lldp.ieee.802_3.mdi_pde_requested', 'uint', 'PD Requested Power Value'],
  ['lldp.ieee.802_3.mdi_pse_allocated', 'uint', 'PSE Allocated Power Value'],
  ['lldp.ieee.802_3.bt_ds_pd_requested_power_value_mode_a', 'uint', 'DS PD Requested Power Value Mode A'],
  ['lldp.ieee.802_3.bt_ds_pd_requested_power_value_mode_b', 'uint', 'DS PD Requested Power Value Mode B'],
  ['lldp.ieee.802_3.bt_ds_pse_allocated_power_value_alt_a', 'uint', 'DS PSE Allocated Power Value Alt A'],
  ['lldp.ieee.802_3.bt_ds_pse_allocated_power_value_alt_b', 'uint', 'DS PSE Allocated Power Value Alt B'],
  ['lldp.ieee.802_3.bt_power_status', 'uint', 'Power Status', { base: 'hex', hexDigits: 4 }],
  ['lldp.ieee.802_3.bt_pse_powering_status', 'uint', 'PSE Powering Status'],
  ['lldp.ieee.802_3.bt_pd_powered_status', 'uint', 'PD Powered Status'],
  ['lldp.ieee.802_3.bt_pse_power_pairs_ext', 'uint', 'PSE Power Pairs ext'],
  ['lldp.ieee.802_3.bt_ds_pwr_class_ext_a', 'uint', 'DS Pwr Class Ext A'],
  ['lldp.ieee.802_3.bt_ds_pwr_class_ext_b', 'uint', 'DS Pwr Class Ext B'],
  ['lldp.ieee.802_3.bt_pwr_class_ext_', 'uint', 'Pwr Class Ext'],
  ['lldp.ieee.802_3.bt_system_setup', 'uint', 'System Setup', { base: 'hex', hexDigits: 2 }],
  ['lldp.ieee.802_3.bt_power_type_ext', 'uint', 'Power Type Ext'],
  ['lldp.ieee.802_3.bt_pse_maximum_available_power_value', 'uint', 'PSE Maximum Available Power Value'],
  ['lldp.ieee.802_3.bt_autoclass', 'uint', 'Autoclass', { base: 'hex', hexDigits: 2 }],
  ['lldp.ieee.802_3.bt_pse_autoclass_support', 'uint', 'PSE Autoclass support'],
  ['lldp.ieee.802_3.bt_autoclass_completed', 'uint', 'Autoclass Completed'],
  ['lldp.ieee.802_3.bt_autoclass_request', 'uint', 'Autoclass Request'],
  ['lldp.ieee.802_3.bt_autoclass_reserved', 'uint', 'Autoclass Reserved', { base: 'hex', hexDigits: 2 }],
  ['lldp.ieee.802_3.bt_power_down', 'uint', 'Power down', { base: 'hex', hexDigits: 6 }],
  ['lldp.ieee.802_3.bt_power_down_request', 'uint', 'Power down request'],
  ['lldp.ieee.802_3.bt_power_down_time', 'uint', 'Power down time'],
  ['lldp.ieee.802_3.aggregation_status', 'uint', 'Aggregation Status', { base: 'hex', hexDigits: 2 }],
  ['lldp.ieee.802_3.aggregation_status.cap', 'bool', 'Aggregation Capability'],
  ['lldp.ieee.802_3.aggregation_status.enabled', 'bool', 'Aggregation Status'],
  ['lldp.ieee.802_3.aggregated_port_id', 'uint', 'Aggregated Port Id'],
  ['lldp.ieee.802_3.max_frame_size', 'uint', 'Maximum Frame Size'],
  ['lldp.ieee.802_3.eee.transmit', 'uint', 'Transmit'],
  ['lldp.ieee.802_3.eee.receive', 'uint', 'Receive'],
  ['lldp.ieee.802_3.eee.fallback_receive', 'uint', 'Fallback Receive'],
  ['lldp.ieee.802_3.eee.echo_transmit', 'uint', 'Echo Transmit'],
  ['lldp.ieee.802_3.eee.echo_receive', 'uint', 'Echo Receive'],
  ['lldp.ieee.802_1qbg.subtype', 'uint', 'IEEE 802.1Qbg Subtype', { base: 'hex', hexDigits: 2, valueNames: { 0: 'EVB', 1: 'CDCP', 2: 'VDP' } }],
  ['lldp.ieee.802_1qbg.evb_support_caps', 'uint', 'Supported capabilities', { base: 'hex', hexDigits: 4 }],
  ['lldp.ieee.802_1qbg.evb_support_caps.std', 'bool', 'Standard bridging (STD)'],
  ['lldp.ieee.802_1qbg.evb_support_caps.rr', 'bool', 'Reflective relay (RR)'],
  ['lldp.ieee.802_1qbg.evb_support_caps.rte', 'bool', 'Retransmission timer exponent (RTE)'],
  ['lldp.ieee.802_1qbg.evb_support_caps.ecp', 'bool', 'Edge control protocol (ECP)'],
  ['lldp.ieee.802_1qbg.evb_support_caps.vdp', 'bool', 'VSI discovery protocol (VDP)'],
  ['lldp.ieee.802_1qbg.evb_configure_caps', 'uint', 'Configured capabilities', { base: 'hex', hexDigits: 4 }],
  ['lldp.ieee.802_1qbg.evb_configure_caps.std', 'bool', 'Standard bridging (STD)'],
  ['lldp.ieee.802_1qbg.evb_configure_caps.rr', 'bool', 'Reflective relay (RR)'],
  ['lldp.ieee.802_1qbg.evb_configure_caps.rte', 'bool', 'Retransmission timer exponent (RTE)'],
  ['lldp.ieee.802_1qbg.evb_configure_caps.ecp', 'bool', 'Edge control protocol (ECP)'],
  ['lldp.ieee.802_1qbg.evb_configure_caps.vdp', 'bool', 'VSI discovery protocol (VDP)'],
  ['lldp.ieee.802_1qbg.evb_supported_vsi', 'uint', 'Supported No of VSIs'],
  ['lldp.ieee.802_1qbg.evb_configured_vsi', 'uint', 'Configured No of VSIs'],
  ['lldp.ieee.802_1qbg.evb_retrans_timer', 'uint', 'Retransmission timer exponent'],
  ['lldp.ieee.802_3br.eac', 'uint', 'Additional Ethernet Capabilities', { base: 'hex', hexDigits: 4 }],
  ['lldp.ieee.802_3br.aec.support', 'bool', 'Preemption capabilities support'],
  ['lldp.ieee.802_3br.aec.enable', 'bool', 'Preemption capabilities enable'],
  ['lldp.ieee.802_3br.aec.active', 'bool', 'Preemption capabilities active'],
  ['lldp.ieee.802_3br.aec.addfragsize', 'uint', 'Additional Fragment Size'],
  ['lldp.ieee.802_3br.aec.reserved', 'uint', 'Reserved', { base: 'hex', hexDigits: 4 }],
  ['lldp.media.subtype', 'uint', 'Media Subtype', { base: 'hex', hexDigits: 2, valueNames: { 1: 'Media Capabilities', 2: 'Network Policy', 3: 'Location Identification', 4: 'Extended Power-via-MDI', 5: 'Inventory - Hardware Revision', 6: 'Inventory - Firmware Revision', 7: 'Inventory - Software Revision', 8: 'Inventory - Serial Number', 9: 'Inventory - Manufacturer Name', 10: 'Inventory - Model Name', 11: 'Inventory - Asset ID' } }],
  ['lldp.media.subtype.caps', 'uint', 'Capabilities', { base: 'hex', hexDigits: 4 }],
  ['lldp.media.subtype.caps.llpd', 'bool', 'LLDP-MED Capabilities'],
  ['lldp.media.subtype.caps.network_policy', 'bool', 'Network Policy'],
  ['lldp.media.subtype.caps.location_id', 'bool', 'Location Identification'],
  ['lldp.media.subtype.caps.mdi_pse', 'bool', 'Extended Power via MDI-PSE'],
  ['lldp.media.subtype.caps.mid_pd', 'bool', 'Extended Power via MDI-PD'],
  ['lldp.media.subtype.caps.inventory', 'bool', 'Inventory'],
  ['lldp.media.subtype.class', 'uint', 'Class Type', { valueNames: { 0: 'Type Not Defined', 1: 'Endpoint Class I', 2: 'Endpoint Class II', 3: 'Endpoint Class III', 4: 'Network Connectivity' } }],
  ['lldp.media.app_type', 'uint', 'Application Type', { valueNames: { 0: 'Reserved', 1: 'Voice', 2: 'Voice Signaling', 3: 'Guest Voice', 4: 'Guest Voice Signaling', 5: 'Softphone Voice', 6: 'Video Conferencing', 7: 'Streaming Video', 8: 'Video Signaling' } }],
  ['lldp.media.policy_flag', 'bool', 'Policy'],
  ['lldp.media.tag_flag', 'bool', 'Tagged'],
  ['lldp.media.vlan_id', 'uint', 'VLAN Id'],
  ['lldp.media.l2_prio', 'uint', 'L2 Priority'],
  ['lldp.media.dscp', 'uint', 'DSCP Priority'],
  ['lldp.media.loc.data_format', 'uint', 'Location Data Format', { valueNames: { 0: 'Invalid ', 1: 'Coordinate-based LCI', 2: 'Civic Address LCI', 3: 'ECS ELIN' } }],
  ['lldp.media.loc.lat_resolution', 'uint', 'Latitude Resolution'],
  ['lldp.media.loc.latitude', 'uint', 'Latitude'],
  ['lldp.media.loc.long_resolution', 'uint', 'Longitude Resolution'],
  ['lldp.media.loc.longitude', 'uint', 'Longitude'],
  ['lldp.media.loc.alt_type', 'uint', 'Altitude Type', { valueNames: { 1: 'Meters', 2: 'Floors' } }],
  ['lldp.media.loc.alt_resolution', 'uint', 'Altitude Resolution'],
  ['lldp.media.loc.altitude', 'uint', 'Altitude'],
  ['lldp.media.loc.datum', 'uint', 'Datum'],
  ['lldp.media.civic.length', 'uint', 'LCI Length'],
  ['lldp.media.civic.what', 'uint', 'What', { valueNames: { 0: 'Location of the DHCP server', 1: 'Location of the network element believed to be closest to the client', 2: 'Location of the client' } }],
  ['lldp.media.civic.country', 'string', 'Country'],
  ['lldp.media.civic.type', 'uint', 'CA Type', { valueNames: { 0: 'Language', 1: 'National subdivisions (province, state, etc)', 2: 'County, parish, district', 3: 'City, township', 4: 'City division, borough, ward', 5: 'Neighborhood, block', 6: 'Street', 16: 'Leading street direction', 17: 'Trailing street suffix', 18: 'Street suffix', 19: 'House number', 20: 'House number suffix', 21: 'Landmark or vanity address', 22: 'Additional location information', 23: 'Name', 24: 'Postal/ZIP code', 25: 'Building', 26: 'Unit', 27: 'Floor', 28: 'Room number', 29: 'Place type', 128: 'Script' } }],
  ['lldp.media.civic.value', 'string', 'CA Value'],
  ['lldp.media.ecs', 'string', 'ELIN'],
  ['lldp.media.power.type', 'uint', 'Power Type', { valueNames: { 0: 'PSE Device', 1: 'PD Device', 2: 'PSE Device', 3: 'PD Device' } }],
  ['lldp.media.power.source', 'uint', 'Power Source'],
  ['lldp.media.power.prio', 'uint', 'Power Priority', { valueNames: { 0: 'Unknown', 1: 'Critical', 2: 'High', 3: 'Low' } }],
  ['lldp.media.power.value', 'uint', 'Power Value'],
  ['lldp.media.hardware', 'string', 'Hardware Revision'],
  ['lldp.media.firmware', 'string', 'Firmware Revision'],
  ['lldp.media.software', 'string', 'Software Revision'],
  ['lldp.media.sn', 'string', 'Serial Number'],
  ['lldp.media.manufacturer', 'string', 'Manufacturer Name'],
  ['lldp.media.model', 'string', 'Model Name'],
  ['lldp.media.asset', 'string', 'Asset ID'],
  ['lldp.profinet.subtype', 'uint', 'Subtype', { base: 'hex', hexDigits: 2, valueNames: { 1: 'Measured Delay Values', 2: 'Port Status', 3: 'Alias', 4: 'MRP Port Status', 5: 'Chassis MAC', 6: 'PTCP Status', 9: 'TSN Domain', 10: 'TSN NME Management Address', 11: 'TSN NME Name UUID', 12: 'TSN NME Parameter UUID', 13: 'TSN Time Domain data' } }],
  ['lldp.profinet.port_rx_delay_local', 'uint', 'Port RX Delay Local'],
  ['lldp.profinet.port_rx_delay_remote', 'uint', 'Port RX Delay Remote'],
  ['lldp.profinet.port_tx_delay_local', 'uint', 'Port TX Delay Local'],
  ['lldp.profinet.port_tx_delay_remote', 'uint', 'Port TX Delay Remote'],
  ['lldp.profinet.cable_delay_local', 'uint', 'Port Cable Delay Local'],
  ['lldp.profinet.rtc2_port_status', 'uint', 'RTClass2 Port Status', { base: 'hex', hexDigits: 4, valueNames: { 0: 'OFF', 1: 'SYNCDATA_LOADED', 2: 'RTCLASS2_UP', 3: 'Reserved' } }],
  ['lldp.profinet.rtc3_port_status', 'uint', 'RTClass3 Port Status', { base: 'hex', hexDigits: 4, valueNames: { 0: 'OFF', 1: 'reserved', 2: 'RTCLASS3_UP', 3: 'RTCLASS3_DOWN', 4: 'RTCLASS3_RUN' } }],
  ['lldp.profinet.rtc3_port_status.fragmentation', 'uint', 'RTClass3_PortStatus.Fragmentation', { base: 'hex', hexDigits: 4, valueNames: { 0: 'OFF', 1: 'ON' } }],
  ['lldp.profinet.rtc3_port_status.reserved', 'uint', 'RTClass3_PortStatus.reserved', { base: 'hex', hexDigits: 4 }],
  ['lldp.profinet.rtc3_port_status.preambleLength', 'uint', 'RTClass3_PortStatus.PreambleLength', { base: 'hex', hexDigits: 4, valueNames: { 0: 'Seven octets', 1: 'One octet' } }],
  ['lldp.profinet.mrp_domain_uuid', 'bytes', 'MRP DomainUUID'],
  ['lldp.profinet.tsn_domain_uuid', 'bytes', 'TSN DomainUUID'],
  ['lldp.profinet.tsn_nme_management_addr', 'bytes', 'TSN NME Management Address'],
  ['lldp.profinet.tsn_nme_management_addr_str_length', 'uint', 'TSN NME Management Address String Length', { base: 'hex', hexDigits: 2 }],
  ['lldp.profinet.tsn_nme_management_addr_subtype', 'uint', 'TSN NME Management Address Subtype', { base: 'hex', hexDigits: 2 }],
  ['lldp.profinet.tsn_nme_name_uuid', 'bytes', 'TSN NME Name UUID'],
  ['lldp.profinet.tsn_nme_parameter_uuid', 'bytes', 'TSN NME Parameter UUID'],
  ['lldp.profinet.time_domain_number', 'uint', 'Time Domain Number', { base: 'hex', hexDigits: 4, valueNames: { 0: 'Global Time', 1: 'Global Time Redundant', 32: 'Working Clock', 33: 'Working Clock Redundant' } }],
  ['lldp.profinet.time_domain_uuid', 'bytes', 'Time Domain UUID'],
  ['lldp.profinet.time_domain_master_identity', 'bytes', 'Time Domain Master Identity'],
  ['lldp.profinet.mrrt_port_status', 'uint', 'MRRT PortStatus', { base: 'hex', hexDigits: 4, valueNames: { 0: 'OFF', 1: 'MRRT_CONFIGURED', 2: 'MRRT_UP' } }],
  ['lldp.profinet.cm_mac_add', 'ether', 'CMMacAdd'],
  ['lldp.profinet.master_source_address', 'ether', 'MasterSourceAddress'],
  ['lldp.profinet.subdomain_uuid', 'bytes', 'SubdomainUUID'],
  ['lldp.profinet.ir_data_uuid', 'bytes', 'IRDataUUID'],
  ['lldp.profinet.length_of_period_valid', 'uint', 'LengthOfPeriod.Valid'],
  ['lldp.profinet.length_of_period_length', 'uint', 'LengthOfPeriod.Length'],
  ['lldp.profinet.red_period_begin_valid', 'uint', 'RedPeriodBegin.Valid'],
  ['lldp.profinet.red_period_begin_offset', 'uint', 'RedPeriodBegin.Offset'],
  ['lldp.profinet.orange_period_begin_valid', 'uint', 'OrangePeriodBegin.Valid'],
  ['lldp.profinet.orange_period_begin_offset', 'uint', 'OrangePeriodBegin.Offset'],
  ['lldp.profinet.green_period_begin_valid', 'uint', 'GreenPeriodBegin.Valid'],
  ['lldp.profinet.green_period_begin_offset', 'uint', 'GreenPeriodBegin.Offset'],
  ['lldp.cisco.subtype', 'uint', 'Cisco Subtype', { base: 'hex', hexDigits: 2, valueNames: { 1: '4-wire Power-via-MDI (UPOE)', 201: 'ACI Port State', 202: 'ACI Node Role', 203: 'ACI Node ID', 204: 'ACI Spine Level', 205: 'ACI Pod ID', 206: 'ACI Fabric Name', 207: 'ACI Appliance Vector', 208: 'ACI Node IP', 209: 'ACI Port Role', 210: 'ACI Firmware Version', 211: 'ACI Infra VLAN', 212: 'ACI Serial Number', 214: 'ACI Model', 215: 'ACI Node Name', 216: 'ACI Port Mode', 217: 'ACI Authentication Cookie', 218: 'ACI APIC-Mode', 219: 'ACI Fabric ID' } }],
  ['lldp.cisco.upoe', 'uint', 'UPOE Capabilities', { base: 'hex', hexDigits: 2 }],
  ['lldp.cisco.upoe.supported', 'bool', 'UPOE Supported'],
  ['lldp.cisco.upoe.altb_detection_required', 'bool', 'ALT-B Detection required'],
  ['lldp.cisco.upoe.pd_altb_desired', 'bool', 'PD Request Spare Pair PoE'],
  ['lldp.cisco.upoe.pse_altb_oper', 'bool', 'PSE Spare Pair PoE'],
  ['lldp.cisco.portstate', 'uint', 'Port State', { valueNames: { 1: 'In Service', 2: 'Out of Service' } }],
  ['lldp.cisco.noderole', 'uint', 'Node Role', { valueNames: { 0: 'APIC', 1: 'Leaf', 2: 'Spine', 3: 'vLeaf' } }],
  ['lldp.cisco.nodeid', 'uint', 'Node ID'],
  ['lldp.cisco.spinelevel', 'uint', 'Spine Level'],
  ['lldp.cisco.podid', 'uint', 'Pod ID'],
  ['lldp.cisco.fabricname', 'string', 'Fabric Name'],
  ['lldp.cisco.apiclist', 'bytes', 'Appliance Vector'],
  ['lldp.cisco.apicid', 'uint', 'APIC ID'],
  ['lldp.cisco.apicipv4', 'ipv4', 'APIC IPv4'],
  ['lldp.cisco.apicuuid', 'string', 'APIC UUID'],
  ['lldp.cisco.nodeip', 'ipv4', 'Node IP'],
  ['lldp.cisco.portrole', 'uint', 'Port Role', { valueNames: { 1: 'Active', 2: 'Backup' } }],
  ['lldp.cisco.version', 'string', 'Version'],
  ['lldp.cisco.fabricvlan', 'uint', 'Fabric VLAN'],
  ['lldp.cisco.serialno', 'string', 'Serial No'],
  ['lldp.cisco.model', 'string', 'Model'],
  ['lldp.cisco.nodename', 'string', 'Node Name'],
  ['lldp.cisco.portmode', 'uint', 'Port Mode', { valueNames: { 0: 'Normal', 1: 'Recovery Mode' } }],
  ['lldp.cisco.authcookie', 'bytes', 'Authentication Cookie'],
  ['lldp.cisco.apicmode', 'uint', 'APIC Mode', { valueNames: { 0: 'Active', 1: 'Standby' } }],
  ['lldp.cisco.fabricd', 'uint', 'Fabric ID'],
  ['lldp.hytec.tlv_subtype', 'uint', 'Hytec Subtype', { valueNames: { 1: 'Transceiver', 2: 'Trace' } }],
  ['lldp.hytec.group', 'uint', 'Group'],
  ['lldp.hytec.identifier', 'uint', 'Identifier'],
  ['lldp.hytec.transceiver_vendor_product_revision', 'string', 'Transceiver vendor, product and revision'],
  ['lldp.hytec.single_mode', 'uint', 'Single mode (9/125 um)'],
  ['lldp.hytec.multi_mode_50', 'uint', 'Multi mode (50/125 um)'],
  ['lldp.hytec.multi_mode_62_5', 'uint', 'Multi mode (62.5/125 um)'],
  ['lldp.hytec.tx_current_output_power', 'float', 'Tx current output power'],
  ['lldp.hytec.rx_current_input_power', 'float', 'Rx current input power'],
  ['lldp.hytec.rx_input_snr', 'float', 'Rx input SNR'],
  ['lldp.hytec.lineloss', 'float', 'Lineloss'],
  ['lldp.hytec.mac_trace_request', 'none', 'MAC Trace Request'],
  ['lldp.hytec.trace_mac_address', 'ether', 'Trace MAC address'],
  ['lldp.hytec.requesters_mac_address', 'ether', 'Requester\'s MAC address'],
  ['lldp.hytec.maximum_depth', 'uint', 'Maximum depth'],
  ['lldp.hytec.mac_trace_reply', 'none', 'MAC Trace Reply'],
  ['lldp.hytec.answering_mac_address', 'ether', 'Answering MAC address'],
  ['lldp.hytec.actual_depth', 'uint', 'Actual depth'],
  ['lldp.hytec.name_of_replying_device', 'string', 'Name of replying device'],
  ['lldp.hytec.outgoing_port_name', 'string', 'Outgoing port name'],
  ['lldp.hytec.ipv4_address_of_replying_device', 'ipv4', 'IPv4 address of replying device'],
  ['lldp.hytec.end_of_trace', 'uint', 'End of Trace', { base: 'hex', hexDigits: 2 }],
  ['lldp.hytec.ipv6_address_of_replying_device', 'ipv6', 'IPv6 address of replying device'],
  ['lldp.hytec.incoming_port_name', 'string', 'Incoming port name'],
  ['lldp.hytec.trace_identifier', 'uint', 'Trace identifier', { base: 'hex', hexDigits: 8 }],
  ['lldp.hytec.invalid_object_data', 'bytes', 'Invalid object data'],
  ['lldp.hytec.unknown_identifier_content', 'bytes', 'Unknown Identifier Content'],
  ['lldp.avaya.subtype', 'uint', 'Avaya Subtype', { base: 'hex', hexDigits: 2, valueNames: { 1: 'PoE Conservation Level Support', 3: 'Call Server IP Address', 4: 'IP Phone Addresses', 5: 'CNA Server IP Address', 6: 'File Server', 7: '802.1Q Framing' } }],
  ['lldp.avaya.poe', 'bytes', 'PoE Conservation Level Support'],
  ['lldp.avaya.callserver', 'ipv4', 'Call Server IP Address'],
  ['lldp.avaya.cnaserver', 'ipv4', 'CNA Server IP Address'],
  ['lldp.avaya.fileserver', 'ipv4', 'File Server'],
  ['lldp.avaya.dot1q', 'uint', '802.1Q Framing', { base: 'hex', hexDigits: 2, valueNames: { 1: 'Tagging', 2: 'No Tagging' } }],
  ['lldp.avaya.ipphone', 'bytes', 'IP Phone Addresses'],
  ['lldp.avaya.ipphone.ip', 'ipv4', 'IP Address'],
  ['lldp.avaya.ipphone.mask', 'ipv4', 'Subnet Mask'],
  ['lldp.avaya.ipphone.gateway', 'ipv4', 'Gateway IP'],
  ['lldp.iana.subtype', 'uint', 'IANA Subtype', { base: 'hex', hexDigits: 2, valueNames: { 1: 'Manufacturer Usage Description URL' } }],
  ['lldp.iana.mudurl', 'string', 'Manufacturer Usage Description URL'],
  ['lldp.onos.subtype', 'uint', 'ONOS Subtype', { base: 'hex', hexDigits: 2, valueNames: { 1: 'ONOS Chassis', 2: 'ONOS Port', 3: 'ONOS TTL' } }],
  ['lldp.onos.chassis', 'string', 'Chassis'],
  ['lldp.onos.port', 'string', 'Port'],
  ['lldp.onos.ttl', 'uint', 'ttl'],
  ['lldp.unknown_subtype', 'uint', 'Unknown Subtype'],
  ['lldp.unknown_subtype.content', 'bytes', 'Unknown Subtype Content'],
  ['lldp.subtype.content_remaining', 'bytes', 'Subtype Unknown Trailing Bytes'],
  ['lldp.extreme_avaya_ap.subtype', 'uint', 'Subtype', { valueNames: { 11: 'Extreme Fabric Attach Element TLV', 12: 'Extreme Fabric Attach Assignment TLV' } }],
  ['lldp.extreme_avaya_ap.hmac_sha_digest', 'bytes', 'HMAC-SHA Digest'],
  ['lldp.extreme_avaya_ap.element_type', 'uint', 'Element Type'],
  ['lldp.extreme_avaya_ap.state', 'uint', 'State'],
  ['lldp.extreme_avaya_ap.mgnt_vlan', 'uint', 'Mgmt VLAN'],
  ['lldp.extreme_avaya_ap.vlan', 'uint', 'VLAN'],
  ['lldp.extreme_avaya_ap.rsvd', 'uint', 'Reserved'],
  ['lldp.extreme_avaya_ap.system_id', 'bytes', 'System ID'],
  ['lldp.extreme_avaya_ap.status', 'uint', 'Assignment Status'],
  ['lldp.extreme_avaya_ap.i_sid', 'uint', 'I-SID'],
  ['lldp.extreme_avaya.fabric.subtype', 'uint', 'Subtype', { valueNames: { 4: 'Extreme Zero Touch Fabric v2 Fabric Connect TLV' } }],
  ['lldp.extreme_avaya.fabric.fabric_connect', 'bool', 'FC Capability'],
  ['lldp.extreme_avaya.fabric.numbvlans', 'uint', 'Number B-VLANs'],
  ['lldp.extreme_avaya.fabric.bvlanid', 'uint', 'B-VLAN ID'],
  ['lldp.extreme_avaya.fabric.sysidlength', 'uint', 'SysID Length'],
  ['lldp.extreme_avaya.fabric.sysid', 'bytes', 'System ID'],
  ['lldp.incorrect_length', 'none', 'Invalid length, too short'],
  ['lldp.excess_length', 'none', 'Invalid length, greater than expected'],
  ['lldp.bad_type', 'none', 'Incorrect type'],
  ['lldp.tlv_deprecated', 'none', 'TLV has been deprecated'],
]);

const END = 0, CHASSIS = 1, PORT = 2, TTL = 3, PORT_DESC = 4, SYS_NAME = 5, SYS_DESC = 6, SYS_CAP = 7, MGMT_ADDR = 8, ORG = 127;
const OUI_802_1 = 0x0080c2, OUI_802_3 = 0x00120f, OUI_MED = 0x0012bb, OUI_CISCO = 0x000142, OUI_IANA = 0x00005e;
/**
 * OUIs tshark 4.0 has a decoder of its own for (DCBX, PROFINET,
 * 802.1Qbg, Hytec, Avaya, Extreme, ONOS): we keep their TLV header
 * only, where tshark's generic "unknown subtype" fields would be wrong.
 */
const OWN_DECODER = new Set([0x001b21, 0x000ecf, 0x001b3f, 0x0030f9, 0x00040d, 0x000001, 0xa42305]);
const AFNUM_INET = 1, AFNUM_INET6 = 2;

const CAP_BITS = ['other', 'repeater', 'bridge', 'wlan_access_pt', 'router', 'telephone', 'docsis_cable_device', 'station_only'];
const AUTONEG_BITS = ['1000base_tfd', '1000base_t', '1000base_xfd', '1000base_x', 'fdx_bpause', 'fdx_spause', 'fdx_apause', 'fdx_pause',
  '100base_t2fd', '100base_t2', '100base_txfd', '100base_tx', '100base_t4', '10base_tfd', '10base_t', 'other'];
const MED_CAP_BITS = ['llpd', 'network_policy', 'location_id', 'mdi_pse', 'mid_pd', 'inventory'];
const MED_INVENTORY: Record<number, string> = {
  5: 'lldp.media.hardware', 6: 'lldp.media.firmware', 7: 'lldp.media.software', 8: 'lldp.media.sn',
  9: 'lldp.media.manufacturer', 10: 'lldp.media.model', 11: 'lldp.media.asset',
};

/**
 * A read ran past the TLV or the frame: tshark's bounds exception, which
 * ends the whole PDU. `contained`: past the frame but inside the TLV's
 * declared length (tshark's ContainedBoundsError, named in Info).
 */
class Cut extends Error {
  constructor(readonly contained = false) { super('cut'); }
}

/**
 * The bytes one TLV may be read from: its own declared length, cut at the
 * frame's end (tshark reads each TLV through a subset of its length).
 */
class Tlv {
  /** `declared`: where the TLV's length says it ends (`end` is that, cut at the frame's end) */
  constructor(readonly d: Uint8Array, readonly start: number, readonly end: number, readonly declared: number) {}
  need(o: number, n: number): void {
    if (n < 0 || o + n > this.end) throw new Cut(o + n <= this.declared);
  }
  u8(o: number): number { this.need(o, 1); return this.d[o]; }
  u16(o: number): number { this.need(o, 2); return u16(this.d, o); }
  u24(o: number): number { this.need(o, 3); return u24(this.d, o); }
  u32(o: number): number { this.need(o, 4); return u32(this.d, o); }
  bytes(o: number, n: number): Uint8Array { this.need(o, n); return this.d.subarray(o, o + n); }
}

/** An ENC_ASCII string field's value: bytes past 0x7f are not ASCII. */
function ascii(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i] < 0x80 ? String.fromCharCode(b[i]) : '\ufffd';
  return s;
}

/** tvb_format_stringzpad: the text up to the first NUL, control characters escaped. */
function stringzpad(b: Uint8Array): string {
  const z = b.indexOf(0);
  return formatText(ascii(z < 0 ? b : b.subarray(0, z)));
}

/** FT_STRINGZ/FT_STRINGZPAD values stop at the first NUL. */
function stringz(b: Uint8Array): string {
  const z = b.indexOf(0);
  return ascii(z < 0 ? b : b.subarray(0, z));
}

/** tvb_bytes_to_str: hex, at most 36 bytes then an ellipsis. */
function hexText(b: Uint8Array): string {
  return b.length > 36 ? `${bytesToHex(b.subarray(0, 36))}…` : bytesToHex(b);
}

/** A dotted OID (FT_OID's text); what does not decode prints as hex, as tshark's oid_encoded2string fallback. */
function oidText(b: Uint8Array): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if ((b[i] & 0x80) === 0) {
      if (parts.length === 0) { const first = v < 40 ? 0 : v < 80 ? 1 : 2; parts.push(first, v - first * 40); } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** What one LLDPDU's dissection carries between TLVs. */
interface Pdu { ctx: Ctx; l: FieldNode; info: string }

function header(p: Pdu, t: Tlv): void {
  const { ctx, l } = p;
  ctx.add(l, 'lldp.tlv.type', p.ctx.d[t.start] >> 1, t.start, 2);
  ctx.add(l, 'lldp.tlv.len', u16(p.ctx.d, t.start) & 0x1ff, t.start, 2);
}

function bits(ctx: Ctx, l: FieldNode, prefix: string, names: readonly string[], v: number, o: number, len: number, top = 0): void {
  for (let i = 0; i < names.length; i++) ctx.add(l, `${prefix}.${names[i]}`, ((v >> (top ? top - i : i)) & 1) === 1, o, len);
}

/**
 * Chassis id or port id: fields, and the "XX/id " Info text; null when
 * tshark gives up on it (a length that cannot hold the subtype).
 */
function id(p: Pdu, t: Tlv, which: 'chassis' | 'port', dataLen: number): string | null {
  const { ctx, l } = p;
  const o = t.start + 2;
  const subtype = t.u8(o);
  const what = which === 'chassis' ? 'Chassis ID' : 'Port ID';
  header(p, t);
  if (dataLen < 2) {
    ctx.add(l, 'lldp.incorrect_length', null, t.start, 2);
    ctx.flagMalformed('lldp', `Invalid ${what} Length (${dataLen}), expected > (2)`);
    return null;
  }
  ctx.add(l, `lldp.${which}.subtype`, subtype, o, 1);
  const [macType, netType] = which === 'chassis' ? [4, 5] : [3, 4];
  const v = o + 1;
  if (subtype === macType) {
    if (dataLen !== 7) {
      ctx.add(l, 'lldp.incorrect_length', null, t.start, 2);
      ctx.flagMalformed('lldp', `Invalid ${what} Length (${dataLen}), expected (7)`);
      return null;
    }
    const mac = t.bytes(v, 6);
    ctx.add(l, `lldp.${which}.id.mac`, mac, v, 6);
    return `MA/${etherToString(mac)}`;
  }
  if (subtype === netType) {
    const family = t.u8(v);
    ctx.add(l, 'lldp.network_address.subtype', family, v, 1);
    const a = v + 1;
    if (family === AFNUM_INET || family === AFNUM_INET6) {
      const want = family === AFNUM_INET ? 6 : 18;
      if (dataLen !== want) {
        ctx.add(l, 'lldp.incorrect_length', null, t.start, 2);
        ctx.flagMalformed('lldp', `Invalid ${what} Length (${dataLen}), expected (${want})`);
        return null;
      }
      if (family === AFNUM_INET) {
        const ip = t.u32(a);
        ctx.add(l, `lldp.${which}.id.ip4`, ip, a, 4);
        return `NA/${ipv4ToString(ip)}`;
      }
      const ip6 = t.bytes(a, 16);
      ctx.add(l, `lldp.${which}.id.ip6`, ip6, a, 16);
      return `NA/${ipv6ToString(ip6)}`;
    }
    const b = t.bytes(a, dataLen - 2);
    ctx.add(l, `lldp.${which}.id`, which === 'chassis' ? b : stringz(b), a, dataLen - 2);
    return `NA/${hexText(b)}`;
  }
  if (dataLen > 256) {
    ctx.add(l, 'lldp.excess_length', null, t.start, 2);
    ctx.flagMalformed('lldp', `Invalid ${what} Length (${dataLen}), expected < (256)`);
    return null;
  }
  const b = t.bytes(v, dataLen - 1);
  let text: string;
  const pc = which === 'chassis' ? 3 : 2;
  const names: Record<number, string> = which === 'chassis' ? { 1: 'CC', 2: 'IA', 6: 'IN', 7: 'LA' } : { 1: 'IA', 5: 'IN', 6: 'AC', 7: 'LA' };
  if (subtype === pc) text = `PC/${hexText(b)}`;
  else if (names[subtype]) text = `${names[subtype]}/${stringzpad(b)}`;
  else text = 'Rs/Reserved';
  ctx.add(l, `lldp.${which}.id`, which === 'chassis' ? b : stringz(b), v, dataLen - 1);
  return text;
}

function ttl(p: Pdu, t: Tlv): number {
  const secs = t.u16(t.start + 2);
  header(p, t);
  p.ctx.add(p.l, 'lldp.time_to_live', secs, t.start + 2, 2);
  return secs;
}

function systemCaps(p: Pdu, t: Tlv): void {
  const { ctx, l } = p;
  header(p, t);
  const o = t.start + 2;
  const cap = t.u16(o);
  ctx.add(l, 'lldp.tlv.system_cap', cap, o, 2);
  bits(ctx, l, 'lldp.tlv.system_cap', CAP_BITS, cap, o, 2);
  const en = t.u16(o + 2);
  ctx.add(l, 'lldp.tlv.enable_system_cap', en, o + 2, 2);
  bits(ctx, l, 'lldp.tlv.enable_system_cap', CAP_BITS, en, o + 2, 2);
}

/** The management address TLV; returns where tshark's walk goes on (it trusts the inner lengths, not the TLV's). */
function mgmtAddress(p: Pdu, t: Tlv): number {
  const { ctx, l } = p;
  header(p, t);
  let o = t.start + 2;
  const strLen = t.u8(o);
  ctx.add(l, 'lldp.mgn.address.len', strLen, o, 1);
  o++;
  const sub = t.u8(o);
  ctx.add(l, 'lldp.mgn.address.subtype', sub, o, 1);
  o++;
  if (sub === 1) ctx.add(l, 'lldp.mgn.addr.ip4', t.u32(o), o, 4);
  else if (sub === 2) ctx.add(l, 'lldp.mgn.addr.ip6', t.bytes(o, 16), o, 16);
  else {
    // a length of 0 leaves -1 bytes: tshark's "to the end" of the TLV
    const n = strLen === 0 ? t.end - o : strLen - 1;
    ctx.add(l, 'lldp.mgn.addr.hex', t.bytes(o, n), o, n);
  }
  o += strLen - 1;
  ctx.add(l, 'lldp.mgn.interface.subtype', t.u8(o), o, 1);
  o++;
  ctx.add(l, 'lldp.mgn.interface.number', t.u32(o), o, 4);
  o += 4;
  const oidLen = t.u8(o);
  ctx.add(l, 'lldp.mgn.obj.len', oidLen, o, 1);
  o++;
  if (oidLen > 0) {
    ctx.add(l, 'lldp.mgn.obj.id', oidText(t.bytes(o, oidLen)), o, oidLen);
    o += oidLen;
  }
  return o;
}

function ieee8021(ctx: Ctx, l: FieldNode, t: Tlv, o: number): void {
  const sub = t.u8(o);
  ctx.add(l, 'lldp.ieee.802_1.subtype', sub, o, 1);
  o++;
  switch (sub) {
    case 1:
      ctx.add(l, 'lldp.ieee.802_1.port_vlan.id', t.u16(o), o, 2);
      break;
    case 2: {
      const f = t.u8(o);
      ctx.add(l, 'lldp.ieee.802_1.port_and_vlan_id_flag', f, o, 1);
      ctx.add(l, 'lldp.ieee.802_1.port_and_vlan_id_flag.supported', (f & 2) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_1.port_and_vlan_id_flag.enabled', (f & 4) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_1.port_proto_vlan.id', t.u16(o + 1), o + 1, 2);
      break;
    }
    case 3: {
      ctx.add(l, 'lldp.ieee.802_1.vlan.id', t.u16(o), o, 2);
      const n = t.u8(o + 2);
      ctx.add(l, 'lldp.ieee.802_1.vlan.name_len', n, o + 2, 1);
      if (n > 0) ctx.add(l, 'lldp.ieee.802_1.vlan.name', stringz(t.bytes(o + 3, n)), o + 3, n);
      break;
    }
    case 4: {
      const n = t.u8(o);
      ctx.add(l, 'lldp.ieee.802_1.proto.id_length', n, o, 1);
      if (n > 0) ctx.add(l, 'lldp.ieee.802_1.proto.id', t.bytes(o + 1, n), o + 1, n);
      break;
    }
    case 7: {
      const s = t.u8(o);
      ctx.add(l, 'lldp.ieee.802_1.aggregation_status', s, o, 1);
      ctx.add(l, 'lldp.ieee.802_1.aggregation_status.cap', (s & 1) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_1.aggregation_status.enabled', (s & 2) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_1.aggregation_status.porttype', (s & 0xc) >> 2, o, 1);
      ctx.add(l, 'lldp.ieee.802_1.aggregated_port_id', t.u32(o + 1), o + 1, 4);
      break;
    }
    case 8: {
      // congestion notification: per-priority CNPV and ready bits
      const cnpv = t.u8(o), ready = t.u8(o + 1);
      for (let i = 0; i < 8; i++) ctx.add(l, `lldp.ieee.802_1qau.cnpv.prio${i}`, ((cnpv >> i) & 1) === 1, o, 1);
      for (let i = 0; i < 8; i++) ctx.add(l, `lldp.ieee.802_1qau.ready.prio${i}`, ((ready >> i) & 1) === 1, o + 1, 1);
      break;
    }
    case 9: case 0xa: {
      const b = t.u8(o);
      if (sub === 9) {
        ctx.add(l, 'lldp.dcbx.ieee.willing', (b & 0x80) !== 0, o, 1);
        ctx.add(l, 'lldp.dcbx.ieee.ets.cbs', (b & 0x40) !== 0, o, 1);
        ctx.add(l, 'lldp.dcbx.ieee.ets.maxtcs', b & 7, o, 1);
      } else ctx.add(l, 'lldp.dcbx.feature.pg.reserved', (b & 0xfe) >> 1, o, 1);
      o++;
      // priority assignment table: a 4-bit group id per priority
      for (let i = 0; i < 8; i++) ctx.add(l, `lldp.dcbx.feature.pg.pgid_prio${i}`, (t.u16(o + (i >> 2) * 2) >> (12 - (i & 3) * 4)) & 0xf, o + (i >> 2) * 2, 2);
      o += 4;
      for (let i = 0; i < 8; i++) ctx.add(l, `lldp.dcbx.feature.pg.per${i}`, t.u8(o + i), o + i, 1);
      o += 8;
      for (let i = 0; i < 8; i++) ctx.add(l, `lldp.dcbx.ieee.ets.tsa${i}`, t.u8(o + i), o + i, 1);
      break;
    }
    case 0xb: {
      const b = t.u8(o);
      ctx.add(l, 'lldp.dcbx.ieee.willing', (b & 0x80) !== 0, o, 1);
      ctx.add(l, 'lldp.dcbx.ieee.pfc.mbc', (b & 0x40) !== 0, o, 1);
      ctx.add(l, 'lldp.dcbx.ieee.pfc.numtcs', b & 0xf, o, 1);
      const e = t.u8(o + 1);
      for (let i = 0; i < 8; i++) ctx.add(l, `lldp.dcbx.feature.pfc.prio${i}`, ((e >> i) & 1) === 1, o + 1, 1);
      break;
    }
    case 0xc: {
      ctx.add(l, 'lldp.dcbx.ieee.app.reserved', t.u8(o), o, 1);
      o++;
      // 3-byte entries: priority and selector, then the protocol
      for (let k = Math.floor((t.declared - o) / 3); k > 0; k--, o += 3) {
        const b = t.u8(o);
        ctx.add(l, 'lldp.dcbx.ieee.app.prio', b >> 5, o, 1);
        ctx.add(l, 'lldp.dcbx.iee.app.sf', b & 7, o, 1);
        ctx.add(l, 'lldp.dcbx.feature.app.proto', t.u16(o + 1), o + 1, 2);
      }
      break;
    }
    default:
  }
}

function ieee8023(ctx: Ctx, l: FieldNode, t: Tlv, o: number): void {
  const sub = t.u8(o);
  const tlvLen = t.end - o;
  ctx.add(l, 'lldp.ieee.802_3.subtype', sub, o, 1);
  o++;
  switch (sub) {
    case 1: {
      const s = t.u8(o);
      ctx.add(l, 'lldp.ieee.802_3.mac_phy_auto_neg_status', s, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.mac_phy_auto_neg_status.supported', (s & 1) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.mac_phy_auto_neg_status.enabled', (s & 2) !== 0, o, 1);
      o++;
      const caps = t.u16(o);
      ctx.add(l, 'lldp.ieee.802_3.pmd_auto_neg_advertised_caps', caps, o, 2);
      bits(ctx, l, 'lldp.ieee.802_3.pmd_auto_neg_advertised_caps', AUTONEG_BITS, caps, o, 2);
      // "the same in inverse (wrong) bit order", as some vendors send it
      bits(ctx, l, 'lldp.ieee.802_3.pmd_auto_neg_advertised_caps_inv', AUTONEG_BITS, caps, o, 2, 15);
      o += 2;
      ctx.add(l, 'lldp.ieee.802_3.pmd_mau_type', t.u16(o), o, 2);
      o += 2;
      break;
    }
    case 2: {
      const s = t.u8(o);
      ctx.add(l, 'lldp.ieee.802_3.mdi_power_support', s, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.mdi_power_support.port_class', (s & 1) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.mdi_power_support.supported', (s & 2) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.mdi_power_support.enabled', (s & 4) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.mdi_power_support.pse_pairs', (s & 8) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.mdi_pse_pair', t.u8(o + 1), o + 1, 1);
      ctx.add(l, 'lldp.ieee.802_3.mdi_power_class', t.u8(o + 2), o + 2, 1);
      o += 3;
      if (tlvLen === 4) break;
      const b = t.u8(o);
      ctx.add(l, 'lldp.ieee.802_3.mdi_power_type', b >> 6, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.mdi_power_source', (b & 0x30) >> 4, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.mdi_power_priority', b & 0xf, o, 1);
      o++;
      ctx.add(l, 'lldp.ieee.802_3.mdi_pde_requested', t.u16(o), o, 2);
      ctx.add(l, 'lldp.ieee.802_3.mdi_pse_allocated', t.u16(o + 2), o + 2, 2);
      o += 4;
      break;
    }
    case 3: {
      ctx.add(l, 'lldp.tlv_deprecated', null, o - 1, 1);
      ctx.note('protocol', 'lldp', 'TLV has been deprecated', 'warn');
      const s = t.u8(o);
      ctx.add(l, 'lldp.ieee.802_3.aggregation_status', s, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.aggregation_status.cap', (s & 1) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.aggregation_status.enabled', (s & 2) !== 0, o, 1);
      ctx.add(l, 'lldp.ieee.802_3.aggregated_port_id', t.u32(o + 1), o + 1, 4);
      o += 5;
      break;
    }
    case 4:
      ctx.add(l, 'lldp.ieee.802_3.max_frame_size', t.u16(o), o, 2);
      o += 2;
      break;
    case 5:
      for (const n of ['transmit', 'receive', 'fallback_receive', 'echo_transmit', 'echo_receive']) {
        ctx.add(l, `lldp.ieee.802_3.eee.${n}`, t.u16(o), o, 2);
        o += 2;
      }
      break;
    default:
  }
  if (o < t.end) {
    ctx.add(l, 'lldp.excess_length', null, o, t.end - o);
    ctx.flagMalformed('lldp', 'Invalid length, greater than expected');
  }
}

function media(ctx: Ctx, l: FieldNode, t: Tlv, o: number): void {
  const sub = t.u8(o);
  ctx.add(l, 'lldp.media.subtype', sub, o, 1);
  o++;
  let left = t.end - o;
  const tooShort = (): void => {
    ctx.add(l, 'lldp.incorrect_length', null, o, left);
    ctx.flagMalformed('lldp', 'Invalid length, too short');
  };
  switch (sub) {
    case 1: {
      if (left < 2) { tooShort(); return; }
      const caps = t.u16(o);
      ctx.add(l, 'lldp.media.subtype.caps', caps, o, 2);
      bits(ctx, l, 'lldp.media.subtype.caps', MED_CAP_BITS, caps, o, 2);
      o += 2; left -= 2;
      if (left < 1) { tooShort(); return; }
      ctx.add(l, 'lldp.media.subtype.class', t.u8(o), o, 1);
      break;
    }
    case 2: {
      if (left < 1) { tooShort(); return; }
      ctx.add(l, 'lldp.media.app_type', t.u8(o), o, 1);
      o++; left--;
      if (left < 3) { tooShort(); return; }
      const w = t.u24(o);
      ctx.add(l, 'lldp.media.policy_flag', (w & 0x800000) !== 0, o, 3);
      ctx.add(l, 'lldp.media.tag_flag', (w & 0x400000) !== 0, o, 3);
      ctx.add(l, 'lldp.media.vlan_id', (w & 0x1ffe00) >> 9, o, 3);
      ctx.add(l, 'lldp.media.l2_prio', (w & 0x1c0) >> 6, o, 3);
      ctx.add(l, 'lldp.media.dscp', w & 0x3f, o, 3);
      break;
    }
    case 3: {
      if (left < 1) { tooShort(); return; }
      const format = t.u8(o);
      ctx.add(l, 'lldp.media.loc.data_format', format, o, 1);
      o++; left--;
      if (format === 2) civic(ctx, l, t, o, left);
      else if (format === 3 && left > 0) ctx.add(l, 'lldp.media.ecs', stringz(t.bytes(o, left)), o, left);
      // coordinate-based LCI (RFC 3825) fields print through tshark's own formatters: not decoded here
      break;
    }
    case 4: {
      const b = t.u8(o);
      ctx.add(l, 'lldp.media.power.type', b >> 6, o, 1);
      ctx.add(l, 'lldp.media.power.source', (b & 0x30) >> 4, o, 1);
      ctx.add(l, 'lldp.media.power.prio', b & 0xf, o, 1);
      ctx.add(l, 'lldp.media.power.value', t.u16(o + 1), o + 1, 2);
      break;
    }
    default: {
      const name = MED_INVENTORY[sub];
      if (name && left > 0) ctx.add(l, name, stringz(t.bytes(o, left)), o, left);
    }
  }
}

function civic(ctx: Ctx, l: FieldNode, t: Tlv, o: number, left: number): void {
  const short = (): void => { ctx.add(l, 'lldp.incorrect_length', null, o, left); ctx.flagMalformed('lldp', 'Invalid length, too short'); };
  if (left < 1) { short(); return; }
  const lciLen = t.u8(o);
  left--;
  if (lciLen > left) { ctx.add(l, 'lldp.excess_length', null, o, left); ctx.flagMalformed('lldp', 'Invalid length, greater than expected'); return; }
  ctx.add(l, 'lldp.media.civic.length', lciLen, o, 1);
  o++;
  let lci = lciLen;
  if (lci < 1) { short(); return; }
  ctx.add(l, 'lldp.media.civic.what', t.u8(o), o, 1);
  o++; lci--;
  if (lci < 2) { short(); return; }
  ctx.add(l, 'lldp.media.civic.country', ascii(t.bytes(o, 2)), o, 2);
  o += 2; lci -= 2;
  while (lci > 0) {
    ctx.add(l, 'lldp.media.civic.type', t.u8(o), o, 1);
    o++; lci--;
    if (lci < 1) { short(); return; }
    const n = t.u8(o);
    ctx.add(l, 'lldp.media.civic.length', n, o, 1);
    o++; lci--;
    if (n > lci) return;
    if (n > 0) {
      ctx.add(l, 'lldp.media.civic.value', stringz(t.bytes(o, n)), o, n);
      o += n; lci -= n;
    }
  }
}

/**
 * Cisco's 4-wire PoE (UPOE) and IANA's MUD URL; their other subtypes'
 * content is lldp.unknown_subtype.content, as tshark shows it (Cisco's
 * ACI subtypes, which tshark decodes, are left undecoded).
 */
function vendor(ctx: Ctx, l: FieldNode, t: Tlv, o: number, oui: number): void {
  const sub = t.u8(o);
  const cisco = oui === OUI_CISCO;
  ctx.add(l, cisco ? 'lldp.cisco.subtype' : 'lldp.iana.subtype', sub, o, 1);
  o++;
  if (cisco && sub === 1) {
    const b = t.u8(o);
    ctx.add(l, 'lldp.cisco.upoe', b, o, 1);
    ['supported', 'altb_detection_required', 'pd_altb_desired', 'pse_altb_oper'].forEach((n, i) => ctx.add(l, `lldp.cisco.upoe.${n}`, ((b >> i) & 1) === 1, o, 1));
  } else if (!cisco && sub === 1) {
    if (t.end > o) ctx.add(l, 'lldp.iana.mudurl', ascii(t.bytes(o, t.end - o)), o, t.end - o);
  } else if (!(cisco && sub >= 0xc9 && sub <= 0xdb)) {
    ctx.add(l, 'lldp.unknown_subtype.content', t.bytes(o, t.end - o), o, t.end - o);
  }
}

function organisation(p: Pdu, t: Tlv, dataLen: number): void {
  const { ctx, l } = p;
  const oui = t.u24(t.start + 2);
  t.u8(t.start + 5);
  header(p, t);
  if (dataLen < 4) {
    ctx.add(l, 'lldp.incorrect_length', null, t.start, 2);
    ctx.flagMalformed('lldp', `TLV length (${dataLen}) too short, must be >=4)`);
    return;
  }
  ctx.add(l, 'lldp.orgtlv.oui', oui, t.start + 2, 3);
  const o = t.start + 5;
  if (oui === OUI_802_1) ieee8021(ctx, l, t, o);
  else if (oui === OUI_802_3) ieee8023(ctx, l, t, o);
  else if (oui === OUI_MED) media(ctx, l, t, o);
  else if (oui === OUI_CISCO || oui === OUI_IANA) vendor(ctx, l, t, o, oui);
  else if (!OWN_DECODER.has(oui)) {
    ctx.add(l, 'lldp.unknown_subtype', t.u8(o), o, 1);
    ctx.add(l, 'lldp.unknown_subtype.content', t.bytes(o + 1, t.end - o - 1), o + 1, t.end - o - 1);
  }
}

function text(p: Pdu, t: Tlv, name: string, dataLen: number): string {
  const b = t.bytes(t.start + 2, dataLen);
  header(p, t);
  p.ctx.add(p.l, name, stringz(b), t.start + 2, dataLen);
  return stringzpad(b);
}

/** Dissects an LLDPDU at [off, end); returns where tshark ends the LLDP layer. */
export function dissectLldp(ctx: Ctx, _st: State, off: number, end: number): number {
  const l = ctx.layer('lldp', off, end - off);
  ctx.protocol = 'LLDP';
  const p: Pdu = { ctx, l, info: '' };
  ctx.info = '';
  const d = ctx.d;
  let o = off;
  let n = 0;
  try {
    for (;;) {
      if (o + 2 > end) throw new Cut();
      const type = d[o] >> 1, dataLen = u16(d, o) & 0x1ff;
      const t = new Tlv(d, o, Math.min(end, o + 2 + dataLen), o + 2 + dataLen);
      const first = n++;
      if (first < 3) {
        // the mandatory three, in their order
        const want = first + 1;
        if (type !== want) {
          const what = ['Chassis ID', 'Port ID', 'Time-to-Live'][first];
          if (first < 2) {
            ctx.add(l, 'lldp.bad_type', null, o, dataLen);
            ctx.flagMalformed('lldp', `Invalid ${what} (0x${type.toString(16).padStart(2, '0').toUpperCase()}), expected (0x0${want})`);
          }
          ctx.info = `Invalid ${what} TLV`;
          return end;
        }
        if (type === TTL) {
          p.info += `${ttl(p, t)} `;
          ctx.info = p.info;
          o += 4;
          continue;
        }
        const s = id(p, t, type === CHASSIS ? 'chassis' : 'port', dataLen);
        if (s === null) { ctx.info = `Invalid ${type === CHASSIS ? 'Chassis ID' : 'Port ID'} TLV`; return end; }
        p.info += `${s} `;
        ctx.info = p.info;
        o += 2 + dataLen;
        continue;
      }
      switch (type) {
        case CHASSIS: case PORT: case TTL: {
          // a second mandatory TLV: decoded, then the PDU ends there
          if (type === TTL) ttl(p, t);
          else id(p, t, type === CHASSIS ? 'chassis' : 'port', dataLen);
          ctx.info = `Duplicate ${['', 'Chassis ID', 'Port ID', 'Time-To-Live'][type]} TLV`;
          l.len = o - 1 - off;
          return o - 1;
        }
        case END:
          header(p, t);
          // tshark sets the PDU's length one byte short of its End TLV
          l.len = o - 1 - off;
          return o - 1;
        case PORT_DESC:
          text(p, t, 'lldp.port.desc', dataLen);
          o += 2 + dataLen;
          break;
        case SYS_NAME:
          p.info += `SysN=${text(p, t, 'lldp.tlv.system.name', dataLen)} `;
          ctx.info = p.info;
          o += 2 + dataLen;
          break;
        case SYS_DESC:
          p.info += `SysD=${text(p, t, 'lldp.tlv.system.desc', dataLen)} `;
          ctx.info = p.info;
          o += 2 + dataLen;
          break;
        case SYS_CAP:
          systemCaps(p, t);
          o += 6;
          break;
        case MGMT_ADDR:
          o = mgmtAddress(p, t);
          break;
        case ORG:
          organisation(p, t, dataLen);
          o += 2 + dataLen;
          break;
        default:
          header(p, t);
          o += 2 + dataLen;
      }
    }
  } catch (e) {
    if (!(e instanceof Cut)) throw e;
    if (e.contained) {
      ctx.malformedAt('lldp', `LLDP TLV at byte ${o - off} runs past the frame`, o, end - o);
      ctx.info = `${p.info}[Malformed Packet: length of contained item exceeds length of containing item]`;
    } else {
      ctx.info = p.info;
      ctx.boundsAt('lldp', `LLDP TLV cut short at byte ${o - off}`, o, end - o);
    }
    return end;
  }
}

ETHERTYPE.add(0x88cc, dissectLldp);
