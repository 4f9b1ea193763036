abi <abi/4.0>,
include <tunables/global>

# electron-builder's profile (unconfined, with user namespaces, which
# Chromium's sandbox needs where unprivileged ones are restricted), attached
# to the Electron binary itself: packaging/after-pack.cjs renames it to
# ${executable}.bin and puts a launcher script in its place.
profile "${executable}" "/opt/${sanitizedProductName}/${executable}.bin" flags=(unconfined) {
  userns,

  # Site-specific additions and overrides. See local/README for details.
  include if exists <local/${executable}>
}
