#!/bin/sh
# xdpscope .deb postrm (electron-builder: deb.afterRemove; replaces its default).
#   remove: drop the command link and the AppArmor profile (dpkg removes the files).
#   purge:  also delete the xdpscope group — unless a helper installed by
#           `xdpscope grant` still uses it (a later group reusing the gid
#           would inherit it), in which case the group stays and we say so.
# DPKG_ROOT prefixes every path (dpkg --root, tests). No dollar-brace-letters macros: see after-install.sh.
set -e

ROOT="${DPKG_ROOT:-}"
APP=/opt/xdpscope
EXE=xdpscope
GROUP=xdpscope
GRANTED="$ROOT/usr/local/libexec/xdpscope/xdpscope-helper"

case "$1" in
  upgrade|failed-upgrade|abort-install|abort-upgrade|disappear)
    # The new version's postinst sets everything up again.
    exit 0 ;;
esac

if [ -n "$ROOT" ]; then
  if [ "$(readlink "$ROOT/usr/bin/$EXE" 2>/dev/null)" = "$APP/$EXE" ]; then rm -f "$ROOT/usr/bin/$EXE"; fi
elif command -v update-alternatives >/dev/null 2>&1; then
  update-alternatives --remove "$EXE" "$APP/$EXE" || true
else
  rm -f "/usr/bin/$EXE"
fi

if [ -f "$ROOT/etc/apparmor.d/$EXE" ]; then
  if [ -z "$ROOT" ] && apparmor_status --enabled >/dev/null 2>&1 && command -v apparmor_parser >/dev/null 2>&1; then
    if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
      apparmor_parser --remove "/etc/apparmor.d/$EXE" || true
    fi
  fi
  rm -f "$ROOT/etc/apparmor.d/$EXE"
fi

if [ "$1" = purge ] && grep -q "^$GROUP:" "$ROOT/etc/group" 2>/dev/null; then
  if [ -e "$GRANTED" ]; then
    echo "xdpscope: keeping the '$GROUP' group: $GRANTED (from 'xdpscope grant') still uses it; remove that with 'sudo xdpscope grant --revoke', then: sudo groupdel $GROUP"
  elif [ -n "$ROOT" ]; then
    groupdel "--prefix=$ROOT" "$GROUP"
  else
    groupdel "$GROUP" || echo "xdpscope: could not delete the '$GROUP' group (is it some user's primary group?)" >&2
  fi
fi
exit 0
