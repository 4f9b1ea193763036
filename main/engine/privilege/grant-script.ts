// The root-side steps of the one-time grant, as one POSIX sh script. Both
// `xdpscope grant` (already root) and the app's requestGrant() (elevated
// through sudo-prompt, possibly from an AppImage whose FUSE mount root cannot
// read) run this same text, fed on stdin to `/bin/sh -s`; every value arrives
// as a positional argument, never spliced into the code.
//
//   install DEST GROUP CAPS HELPER_SRC HELPER_SHA256 [--add-user USER]
//
// Only the helper is installed: it carries its XDP program inside (a libbpf
// skeleton generated from bpf/xdpscope.bpf.o), so no object file is loaded
// from disk and nobody can hand it a different program.
//   revoke  DEST
//
// The copy is checked against the expected hash twice: the source before
// copying, and the copy itself (in the root-owned destination, where nobody
// else can change it) before it gets its group, mode and capabilities.
export const GRANT_SCRIPT = String.raw`set -eu
umask 022
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
say() { printf 'xdpscope grant: %s\n' "$*"; }
die() { printf 'xdpscope grant: %s\n' "$*" >&2; exit 1; }
hash_of() { sha256sum < "$1" | cut -d' ' -f1; }
check_hash() { # file expected what
  got=$(hash_of "$1") || die "cannot read $1"
  [ "$got" = "$2" ] || die "$3: $1 has sha256 $got, expected $2 (tampered or changed copy); nothing installed"
}
[ "$(id -u)" = 0 ] || die "needs root; run: sudo xdpscope grant"
mode=$1; shift
case $mode in
install)
  dest=$1 group=$2 caps=$3 helper_src=$4 helper_sha=$5; shift 5
  add_user=
  if [ $# -gt 0 ]; then
    [ "$1" = --add-user ] && [ $# = 2 ] || die "unexpected arguments: $*"
    add_user=$2
  fi
  command -v setcap >/dev/null || die "setcap not found; run: apt-get install libcap2-bin"
  check_hash "$helper_src" "$helper_sha" "before copying"
  if ! getent group "$group" >/dev/null; then
    groupadd --system "$group"
    say "created group $group"
  fi
  parent=$(dirname "$dest")
  [ -d "$parent" ] || install -d -o root -g root -m 0755 "$parent"
  [ -d "$dest" ] || install -d -o root -g root -m 0755 "$dest"
  chown root:root "$dest"; chmod 0755 "$dest"
  # Every directory up to / must be root-owned and not group/world-writable
  # (root-owned sticky ones excepted), or the helper refuses to run from it.
  d=$dest
  while :; do
    if [ -n "$(find "$d" -maxdepth 0 \( ! -user 0 -o \( -perm /022 ! -perm -1000 \) \) -print)" ]; then
      die "$d is not root-only-writable ($(stat -c '%A %U' "$d")): the helper would refuse to run there"
    fi
    [ "$d" = / ] && break
    d=$(dirname "$d")
  done
  tmp="$dest/.xdpscope-helper.new.$$"
  trap 'rm -f "$tmp"' EXIT
  install -o root -g root -m 0700 "$helper_src" "$tmp"
  check_hash "$tmp" "$helper_sha" "after copying"
  # chown drops file capabilities, so group and mode come first, setcap last.
  chgrp "$group" "$tmp"
  chmod 0750 "$tmp"
  setcap "$caps" "$tmp"
  mv -f "$tmp" "$dest/xdpscope-helper"
  trap - EXIT
  check_hash "$dest/xdpscope-helper" "$helper_sha" "after installing"
  say "installed $dest/xdpscope-helper (root:$group, mode 0750, $caps)"
  if [ -n "$add_user" ]; then
    usermod -a -G "$group" "$add_user"
    say "added $add_user to group $group (takes effect at the next login)"
  fi
  ;;
revoke)
  dest=$1
  removed=
  if [ -e "$dest/xdpscope-helper" ]; then rm -f "$dest/xdpscope-helper"; removed=" xdpscope-helper"; fi
  rm -f "$dest"/.xdpscope-helper.new.* 2>/dev/null || true
  if [ -d "$dest" ]; then rmdir "$dest" 2>/dev/null || die "$dest is not empty after removing the helper; left it in place"; fi
  if [ -n "$removed" ]; then say "removed$removed from $dest"; else say "nothing was installed in $dest"; fi
  ;;
*) die "unknown mode $mode" ;;
esac
`;
