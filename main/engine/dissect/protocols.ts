// Every protocol module, imported once for its registrations: its fields
// (the filter compiler's registry), its tree line, and its place in its
// parent's dissector table (tables.ts). Whoever needs the registry or the
// tables complete imports this module, so nothing depends on which module
// happened to be imported first. A new protocol adds one line here.
import './frame';
import './link';
import './arp';
import './ipv4';
import './ipv6';
import './icmp';
import './icmpv6';
import './igmp';
import './tcp';
import './udp';
import './tunnel';
import './dns';
import './dhcp';
import './http';
import './tls';
import './http2';
import './genai';
import './quic';
import './rip';
import './isakmp';
import './ipsec';
import './erspan';
import './geneve';
import './l2tp';
import './tftp';
import './ftp';
import './ssh';
import './modbus';
import './netbios';
import './smb';
import './smb2';
import './gssapi';
import './ntlmssp';
import './dcerpc';
import './kerberos';
import './ldap';
import './snmp';
import './tpkt';
import './rdp';
import './t125';
import './credssp';
import './vnc';
import './x509';
import './minor';
import './data';
