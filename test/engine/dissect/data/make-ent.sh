#!/usr/bin/env bash
# Makes the enterprise-protocol captures in this folder with real peers in
# two throw-away network namespaces (198.18.77.0/24): samba + smbclient +
# rpcclient + nmblookup (NBNS, NBSS, SMB1, SMB2/3, NTLMSSP, SPNEGO, DCE/RPC),
# krb5-kdc + kinit/kvno (Kerberos), slapd + ldap-utils (LDAP), snmpd + snmp
# (SNMP v1/v2c/v3). Run as root: `bash make-ent.sh [which...]`. Each server
# runs from a temp dir with a minimal config; everything is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
which=${*:-smb kerberos ldap snmp}
T=$(mktemp -d /tmp/xs-ent.XXXXXX); chmod 0755 "$T"
C=xs-entc$$ S=xs-ents$$ CI=198.18.77.1 SI=198.18.77.2
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [[ -n $p ]] && kill "$p" 2>/dev/null || true; done
  for ns in $C $S; do
    for p in $(ip netns pids $ns 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del $ns 2>/dev/null || true
  done
  id xsalice >/dev/null 2>&1 && userdel xsalice 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
for ns in $C $S; do
  ip netns add $ns
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n $ns link set lo up
done
ip link add xec$$ netns $C type veth peer name xes$$ netns $S
ip -n $C addr add $CI/24 dev xec$$; ip -n $C link set xec$$ up
ip -n $S addr add $SI/24 dev xes$$; ip -n $S link set xes$$ up
inc() { ip netns exec $C "$@"; }
ins() { ip netns exec $S "$@"; }
# waits (bounded) until a TCP/UDP port is open in the server namespace
wait_port() { for _ in $(seq 100); do ins ss -Hln${2:-t} "sport = :$1" | grep -q . && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
capture() { # name: starts tcpdump on the client side, writes $here/$1.pcap
  ip netns exec $C tcpdump -i xec$$ -s 0 -U -w "$T/$1.pcap" 2>/dev/null & tp=$!
  for _ in $(seq 50); do [[ -s $T/$1.pcap ]] && break; sleep 0.1; done
}
stop_capture() { sleep 1; kill -INT $tp; wait $tp || true; cp "$T/$1.pcap" "$here/$1.pcap"; chmod 0644 "$here/$1.pcap"; }

for w in $which; do case $w in
smb)
  useradd -M -s /usr/sbin/nologin xsalice
  mkdir -p "$T/smb/"{private,lock,state,cache,pid,share}; echo "quarterly numbers" > "$T/smb/share/report.txt"
  cat > "$T/smb.conf" <<CONF
[global]
  workgroup = XSTEST
  netbios name = XSSRV
  server role = standalone server
  interfaces = xes$$
  bind interfaces only = yes
  private dir = $T/smb/private
  lock directory = $T/smb/lock
  state directory = $T/smb/state
  cache directory = $T/smb/cache
  pid directory = $T/smb/pid
  ncalrpc dir = $T/smb/ncalrpc
  log file = $T/smb/log.%m
  passdb backend = tdbsam:$T/smb/private/passdb.tdb
  server min protocol = NT1
  client min protocol = NT1
  ntlm auth = yes
  disable spoolss = yes
  rpc start on demand helpers = false
  load printers = no
[share]
  path = $T/smb/share
  read only = no
CONF
  chmod 0777 "$T/smb/share"
  printf '[global]\n  workgroup = XSTEST\n  interfaces = xec%s\n  client min protocol = NT1\n  client max protocol = SMB3\n  client signing = if_required\n' $$ > "$T/client.conf"
  printf 'Secret-77\nSecret-77\n' | ins smbpasswd -c "$T/smb.conf" -s -a xsalice >/dev/null
  ins smbd -s "$T/smb.conf" -F --no-process-group --debug-stdout -d0 >"$T/smbd.out" 2>&1 & pids+=($!)
  ins /usr/libexec/samba/samba-dcerpcd -s "$T/smb.conf" --libexec-rpcds -F --debug-stdout -d0 >"$T/dcerpcd.out" 2>&1 & pids+=($!)
  ins nmbd -s "$T/smb.conf" -F --no-process-group --debug-stdout -d0 >"$T/nmbd.out" 2>&1 & pids+=($!)
  wait_port 445; wait_port 137 u; wait_port 135 || true
  capture smb
  inc nmblookup -s "$T/client.conf" -U $SI XSSRV || true
  inc smbclient -s "$T/client.conf" -m NT1 -U 'xsalice%Secret-77' //$SI/share -c 'ls; get report.txt /dev/null' || true
  inc smbclient -s "$T/client.conf" -m SMB3 -U 'xsalice%Secret-77' //$SI/share -c 'ls; get report.txt /dev/null; put /etc/hostname up.txt' || true
  inc smbclient -s "$T/client.conf" -m SMB2 -U 'xsalice%wrong' //$SI/share -c 'ls' || true
  inc smbclient -s "$T/client.conf" -p 139 -m NT1 -U 'xsalice%Secret-77' //$SI/share -c 'ls' || true
  inc rpcclient -s "$T/client.conf" -U 'xsalice%Secret-77' $SI -c 'srvinfo; netshareenumall; lsaquery; enumdomusers; getusername' || true
  inc rpcclient -s "$T/client.conf" -m NT1 -U 'xsalice%Secret-77' $SI -c 'srvinfo; lsaquery' || true
  inc rpcclient -s "$T/client.conf" -U 'xsalice%Secret-77' "ncacn_ip_tcp:$SI" -c 'epmmap; lsaquery' || true
  stop_capture smb
  ;;
kerberos)
  mkdir -p "$T/krb"
  cat > "$T/krb5.conf" <<CONF
[libdefaults]
  default_realm = XS.TEST
  dns_lookup_kdc = false
  dns_lookup_realm = false
  rdns = false
[realms]
  XS.TEST = {
    kdc = $SI
  }
CONF
  cat > "$T/kdc.conf" <<CONF
[kdcdefaults]
  kdc_ports = 88
  kdc_tcp_ports = 88
[realms]
  XS.TEST = {
    database_name = $T/krb/principal
    key_stash_file = $T/krb/stash
    acl_file = $T/krb/kadm5.acl
  }
[logging]
  kdc = FILE:$T/krb/kdc.log
CONF
  export KRB5_CONFIG="$T/krb5.conf" KRB5_KDC_PROFILE="$T/kdc.conf" KRB5CCNAME="FILE:$T/krb/cc"
  kdb5_util create -s -r XS.TEST -P Master-77 >/dev/null
  kadmin.local -q "addprinc +requires_preauth -pw Secret-77 alice" >/dev/null
  kadmin.local -q "addprinc -randkey host/srv.xs.test" >/dev/null
  ins krb5kdc -n -P "$T/krb/kdc.pid" & pids+=($!)
  wait_port 88 u
  capture kerberos
  echo Secret-77 | inc kinit alice >/dev/null || true
  inc kvno host/srv.xs.test || true
  echo wrong | inc kinit alice >/dev/null 2>&1 || true
  echo x | inc kinit nobody >/dev/null 2>&1 || true
  # the same over TCP
  sed -i 's/^  rdns = false/  rdns = false\n  udp_preference_limit = 1/' "$T/krb5.conf"
  echo Secret-77 | inc kinit alice >/dev/null || true
  stop_capture kerberos
  ;;
ldap)
  mkdir -p "$T/ldapdb"
  cat > "$T/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $T/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "dc=xs,dc=test"
rootdn "cn=admin,dc=xs,dc=test"
rootpw Secret-77
directory $T/ldapdb
CONF
  ins slapd -f "$T/slapd.conf" -h "ldap://$SI/" -d 0 >"$T/slapd.out" 2>&1 & pids+=($!)
  wait_port 389
  capture ldap
  printf 'dn: dc=xs,dc=test\nobjectClass: dcObject\nobjectClass: organization\no: XS\ndc: xs\n\ndn: uid=alice,dc=xs,dc=test\nobjectClass: inetOrgPerson\ncn: Alice\nsn: Example\nuid: alice\nuserPassword: Secret-77\nmail: alice@xs.test\n' |
    inc ldapadd -x -H "ldap://$SI" -D 'cn=admin,dc=xs,dc=test' -w Secret-77 >/dev/null || true
  inc ldapwhoami -x -H "ldap://$SI" -D 'uid=alice,dc=xs,dc=test' -w Secret-77 || true
  inc ldapwhoami -x -H "ldap://$SI" -D 'uid=alice,dc=xs,dc=test' -w wrong || true
  inc ldapsearch -x -H "ldap://$SI" -b 'dc=xs,dc=test' '(&(objectClass=inetOrgPerson)(|(uid=al*)(mail=*@xs.test)))' cn mail >/dev/null || true
  inc ldapsearch -x -H "ldap://$SI" -b 'dc=xs,dc=test' -s base '(objectClass=*)' >/dev/null || true
  inc ldapsearch -x -H "ldap://$SI" -b 'ou=missing,dc=xs,dc=test' '(cn=x)' >/dev/null 2>&1 || true
  stop_capture ldap
  ;;
snmp)
  mkdir -p "$T/snmp"
  cat > "$T/snmpd.conf" <<CONF
agentAddress udp:$SI:161
rocommunity public 198.18.77.0/24
createUser xsuser SHA "Secret-777" AES "Secret-777"
rouser xsuser authpriv
createUser xsauth SHA "Secret-777"
rouser xsauth auth
CONF
  SNMP_PERSISTENT_DIR="$T/snmp" ins snmpd -f -Lo -C -c "$T/snmpd.conf" -p "$T/snmp/pid" >"$T/snmpd.out" 2>&1 & pids+=($!)
  wait_port 161 u
  capture snmp
  inc snmpget -v1 -c public -t 2 -r 0 $SI 1.3.6.1.2.1.1.1.0 1.3.6.1.2.1.1.5.0 >/dev/null || true
  inc snmpget -v2c -c public -t 2 -r 0 $SI 1.3.6.1.2.1.1.3.0 1.3.6.1.2.1.99.99.0 >/dev/null || true
  inc snmpgetnext -v2c -c public -t 2 -r 0 $SI 1.3.6.1.2.1.1 >/dev/null || true
  inc snmpbulkget -v2c -c public -t 2 -r 0 -Cr3 $SI 1.3.6.1.2.1.1 >/dev/null || true
  inc snmpget -v1 -c wrongcommunity -t 1 -r 0 $SI 1.3.6.1.2.1.1.1.0 >/dev/null 2>&1 || true
  inc snmpset -v2c -c public -t 2 -r 0 $SI 1.3.6.1.2.1.1.6.0 s here >/dev/null 2>&1 || true
  SNMP_PERSISTENT_DIR="$T/snmpc" inc snmpget -v3 -l authNoPriv -u xsauth -a SHA -A Secret-777 -t 2 -r 0 $SI 1.3.6.1.2.1.1.1.0 >/dev/null || true
  SNMP_PERSISTENT_DIR="$T/snmpc" inc snmpget -v3 -l authPriv -u xsuser -a SHA -A Secret-777 -x AES -X Secret-777 -t 2 -r 0 $SI 1.3.6.1.2.1.1.5.0 >/dev/null || true
  stop_capture snmp
  ;;
esac; done
