// One call for the app (main process / server) to show the capture
// privilege state and decide whether to offer the grant.
import { grantSource } from './grant';
import { inspectHelper, type InstalledHelper } from './inspect';
import { HelperUnavailableError, locateHelper, type LocatedHelper } from './locate';
import { bundledFiles, grantedFiles } from './paths';

export interface PrivilegeStatus {
  /** the helper a capture would use now, or null */
  helper: LocatedHelper | null;
  /** why there is none (one paragraph for the user), when helper is null */
  unavailable: string | null;
  /** the one-time grant's install, as found */
  granted: InstalledHelper;
  /** sha256 of the helper shipped with this copy, null if it is not built */
  bundledSha256: string | null;
  /** offer "Allow capturing (asks for your password once)": nothing usable, and a bundled helper to install */
  canOfferGrant: boolean;
}

export function privilegeStatus(): PrivilegeStatus {
  let bundledSha256: string | null = null;
  try { bundledSha256 = grantSource(bundledFiles().helper).helperSha256; } catch { /* not built */ }
  const granted = inspectHelper(grantedFiles().helper, { expectSha256: bundledSha256 ?? undefined });
  let helper: LocatedHelper | null = null;
  let unavailable: string | null = null;
  try {
    helper = locateHelper();
  } catch (e) {
    if (!(e instanceof HelperUnavailableError)) throw e;
    unavailable = e.message;
  }
  return { helper, unavailable, granted, bundledSha256, canOfferGrant: helper === null && bundledSha256 !== null };
}
