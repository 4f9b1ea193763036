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
esac; done
