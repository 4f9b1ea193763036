#!/bin/sh
# xdpscope .deb postinst (electron-builder: deb.afterInstall; it replaces
# electron-builder's default script, whose steps are repeated below).
#
# Makes the bundled capture helper usable by members of the xdpscope group:
# root-owned, group xdpscope, mode 0750, file capabilities
# cap_bpf,cap_net_admin,cap_perfmon+ep — like Wireshark's dumpcap.
#
# DPKG_ROOT (set by dpkg --root, and by the tests) prefixes every path; the
# group is then created in DPKG_ROOT/etc/group and the system-wide caches
# (alternatives, MIME, desktop database, AppArmor) are left alone.
# Note: electron-builder expands dollar-brace-letters macros in this file: use $VAR or
# ${VAR_WITH_UNDERSCORE} forms only.
set -e

ROOT="${DPKG_ROOT:-}"
APP=/opt/xdpscope
EXE=xdpscope
GROUP=xdpscope
HELPER="$ROOT$APP/resources/helper/xdpscope-helper"
CAPS=cap_bpf,cap_net_admin,cap_perfmon+ep

prefix_opt() { if [ -n "$ROOT" ]; then printf '%s\n' "--prefix=$ROOT"; fi; }

# 1. The group, then the helper's owner, mode and capabilities (chown drops
#    capabilities, so setcap comes last).
if ! grep -q "^$GROUP:" "$ROOT/etc/group" 2>/dev/null; then
  groupadd --system $(prefix_opt) "$GROUP"
fi
GID=$(awk -F: -v g="$GROUP" '$1 == g { print $3 }' "$ROOT/etc/group")
if [ -f "$HELPER" ]; then
  chown "0:$GID" "$HELPER"
  chmod 0750 "$HELPER"
  if command -v setcap >/dev/null 2>&1 && setcap "$CAPS" "$HELPER"; then
    echo "xdpscope: members of the '$GROUP' group can capture packets without root."
    echo "xdpscope: to add a user: sudo usermod -aG $GROUP USERNAME (takes effect at the next login)"
  else
    echo "xdpscope: could not set file capabilities on $HELPER (is libcap2-bin installed, does the file system support them?)." >&2
    echo "xdpscope: capturing will need root until: sudo setcap $CAPS $HELPER" >&2
  fi
fi

# 2. electron-builder's default steps: command link, Chromium sandbox, MIME/desktop databases, AppArmor.
if [ -n "$ROOT" ]; then
  mkdir -p "$ROOT/usr/bin"
  ln -sf "$APP/$EXE" "$ROOT/usr/bin/$EXE"
elif command -v update-alternatives >/dev/null 2>&1; then
  if [ -L "/usr/bin/$EXE" ] && [ -e "/usr/bin/$EXE" ] && [ "$(readlink "/usr/bin/$EXE")" != "/etc/alternatives/$EXE" ]; then
    rm -f "/usr/bin/$EXE"
  fi
  update-alternatives --install "/usr/bin/$EXE" "$EXE" "$APP/$EXE" 100 || ln -sf "$APP/$EXE" "/usr/bin/$EXE"
else
  ln -sf "$APP/$EXE" "/usr/bin/$EXE"
fi

if [ -e "$ROOT$APP/chrome-sandbox" ]; then
  # SUID chrome-sandbox only where unprivileged user namespaces do not work.
  if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
    chmod 0755 "$ROOT$APP/chrome-sandbox" || true
  else
    chmod 4755 "$ROOT$APP/chrome-sandbox" || true
  fi
fi

if [ -z "$ROOT" ]; then
  if command -v update-mime-database >/dev/null 2>&1; then update-mime-database /usr/share/mime || true; fi
  if command -v update-desktop-database >/dev/null 2>&1; then update-desktop-database /usr/share/applications || true; fi
  if apparmor_status --enabled >/dev/null 2>&1 && [ -f "$APP/resources/apparmor-profile" ]; then
    if apparmor_parser --skip-kernel-load --debug "$APP/resources/apparmor-profile" >/dev/null 2>&1; then
      cp -f "$APP/resources/apparmor-profile" "/etc/apparmor.d/$EXE"
      if ! { [ -x /usr/bin/ischroot ] && /usr/bin/ischroot; }; then
        apparmor_parser --replace --write-cache --skip-read-cache "/etc/apparmor.d/$EXE" || true
      fi
    fi
  fi
fi
exit 0
