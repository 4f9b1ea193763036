#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and run xdpscope:
# the Debian packages (as root through apt-get; otherwise it prints the one
# line to run) and the npm dependencies (npm ci, only when out of date).
set -euo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1

# command-or-file → Debian package that provides it
need=(
  "clang:clang" "llc:llvm" "bpftool:bpftool" "/usr/include/bpf/libbpf.h:libbpf-dev"
  "/usr/include/xdp/libxdp.h:libxdp-dev" "xdpdump:xdp-tools" "pkg-config:pkg-config"
  "/usr/include/libelf.h:libelf-dev" "/usr/include/zlib.h:zlib1g-dev" "make:make" "gcc:gcc"
  "setcap:libcap2-bin" "ip:iproute2" "tshark:tshark" "capinfos:tshark" "tcpdump:tcpdump"
  "tcpreplay:tcpreplay" "chromium:chromium" "ping:iputils-ping" "curl:curl" "ethtool:ethtool"
  "man:man-db" "groff:groff-base" "openssl:openssl" "editcap:wireshark-common" "ssh:openssh-client"
  "gtlsclient:ngtcp2-client" "gtlsserver:ngtcp2-server"
  "swaks:swaks" "python3:python3" "sipp:sip-tester" "mosquitto:mosquitto" "mosquitto_pub:mosquitto-clients"
  "ntpdig:ntpsec-ntpdig" "upnpc:miniupnpc" "host:bind9-host"
  "/usr/sbin/dovecot:dovecot-imapd" "/usr/lib/dovecot/pop3:dovecot-pop3d"
  "rpcbind:rpcbind" "rpcinfo:rpcbind" "/usr/lib/postgresql:postgresql" "psql:postgresql-client"
  "redis-server:redis-server" "redis-cli:redis-tools" "mariadbd:mariadb-server" "mariadb:mariadb-client"
  "nsenter:util-linux" "setpriv:util-linux"
  "wg:wireguard-tools" "wireguard-go:wireguard-go" "turnserver:coturn"
  # real peers of the insights tests (SSH guessing, LDAP spraying, floods, scans)
  "sshd:openssh-server" "sshpass:sshpass" "slapd:slapd" "ldapwhoami:ldap-utils" "hping3:hping3" "nmap:nmap" "dnsmasq:dnsmasq-base"
  "krb5kdc:krb5-kdc" "kinit:krb5-user" "smbd:samba" "smbclient:smbclient" "vsftpd:vsftpd"
  # 802.1X peers of the EAPOL test (the wired driver and integrated EAP server)
  "hostapd:hostapd" "wpa_supplicant:wpasupplicant"
  # a real LLDP and CDP peer (test/engine/dissect/lldpd-peer.ts)
  "lldpd:lldpd" "lldpcli:lldpd"
  # a real VRRP speaker (test/engine/dissect/vrrp-live.test.ts)
  "keepalived:keepalived"
  # a real RADIUS server and client (test/engine/dissect/radius.test.ts)
  "freeradius:freeradius" "radclient:freeradius-utils"
  # the kernel's NFLOG records, logged by an nft rule (test/engine/dissect/nflog.test.ts)
  "nft:nftables"
)
missing=()
for entry in "${need[@]}"; do
  what=${entry%%:*}; pkg=${entry##*:}
  if [[ $what == /* ]]; then [[ -e $what ]] && continue
  else command -v "$what" >/dev/null 2>&1 && continue
    [[ -x /usr/sbin/$what || -x /sbin/$what ]] && continue
  fi
  [[ " ${missing[*]:-} " == *" $pkg "* ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]]; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # tshark asks whether non-root users may capture; answer no (we capture through our own helper).
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # the tests run lldpd in namespaces only: the host's own would advertise on every real interface
    if [[ " ${missing[*]} " == *" lldpd "* ]] && command -v systemctl >/dev/null 2>&1; then systemctl disable --now lldpd >/dev/null 2>&1 || true; fi
    # likewise RADIUS and VRRP: the tests start their own in namespaces; the host's would listen on (or speak for) its real interfaces
    for svc in freeradius keepalived; do
      if [[ " ${missing[*]} " == *" $svc "* ]] && command -v systemctl >/dev/null 2>&1; then systemctl disable --now "$svc" >/dev/null 2>&1 || true; fi
    done
  else
    echo "setup: missing Debian packages. Run once:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
  fi
fi

# npm ci when node_modules is absent or older than the lock file.
stamp=node_modules/.package-lock.json
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  touch "$stamp"
fi
