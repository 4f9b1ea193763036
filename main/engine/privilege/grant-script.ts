// The root-side steps of the one-time grant, as one POSIX sh script. Both
// `xdpscope grant` (already root) and the app's requestGrant() (elevated
// through sudo-prompt, possibly from an AppImage whose FUSE mount root cannot
// read) run this same text, fed on stdin to `/bin/sh -s`; every value arrives
// as a positional argument, never spliced into the code.
//
//   install DEST GROUP CAPS HELPER_SRC HELPER_SHA256 [--add-user USER [--uid UID]]
//
// --add-user puts USER in GROUP (the app passes the user asking, and --uid
// their uid: the name must resolve to that very uid, and never to root).
// Nothing here runs a file from a user-writable place: PATH is fixed before
// the first command, the helper is only ever copied (and hashed), never
// executed, and the script itself arrives as text, not as a path.
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
LC_ALL=C
export PATH LC_ALL
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
  add_user= add_uid=
  while [ $# -gt 0 ]; do
    case $1 in
    --add-user) [ $# -ge 2 ] || die "--add-user needs a user name"; add_user=$2; shift 2 ;;
    --uid) [ $# -ge 2 ] || die "--uid needs a number"; add_uid=$2; shift 2 ;;
    *) die "unexpected arguments: $*" ;;
    esac
  done
  # The user is checked before anything changes: a wrong one installs nothing.
  if [ -n "$add_user" ]; then
    case $add_user in
    [a-z_]*) ;;
    *) die "not a valid user name: $add_user" ;;
    esac
    case $add_user in *[!a-z0-9_-]*) die "not a valid user name: $add_user" ;; esac
    user_uid=$(id -u "$add_user" 2>/dev/null) || die "no such user: $add_user; nothing installed"
    if [ -n "$add_uid" ]; then
      case $add_uid in ''|*[!0-9]*) die "not a uid: $add_uid" ;; esac
      [ "$user_uid" = "$add_uid" ] || die "user $add_user has uid $user_uid, not $add_uid (the user who asked); nothing installed"
    fi
    [ "$user_uid" != 0 ] || die "refusing to add root to $group (xdpscope's UI never runs as root); nothing installed"
  elif [ -n "$add_uid" ]; then
    die "--uid goes with --add-user"
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
    if id -nG "$add_user" | tr ' ' '\n' | grep -qx "$group"; then
      say "$add_user is already in group $group"
    else
      usermod -a -G "$group" "$add_user"
      say "added $add_user to group $group: it takes effect at $add_user's next login (or, in one terminal, after: newgrp $group)"
    fi
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
