import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** The kubectl the cross-checks run: INFRABLOCKS_KUBECTL, else the one on the PATH. */
export const KUBECTL = process.env.INFRABLOCKS_KUBECTL ?? "kubectl";

/**
 * Whether `KUBECTL version --client` runs, so the suites that check against kubectl can. With
 * INFRABLOCKS_REQUIRE_KUBECTL=1 (as in CI) a missing kubectl throws instead, so the run fails rather
 * than skipping the cross-check.
 */
export async function kubectlAvailable(): Promise<boolean> {
  const runs = await promisify(execFile)(KUBECTL, ["version", "--client"]).then(
    () => true,
    () => false,
  );
  if (!runs && process.env.INFRABLOCKS_REQUIRE_KUBECTL === "1") {
    throw new Error(
      `INFRABLOCKS_REQUIRE_KUBECTL=1 but '${KUBECTL} version --client' fails: install kubectl (Debian: kubernetes-client).`,
    );
  }
  return runs;
}
