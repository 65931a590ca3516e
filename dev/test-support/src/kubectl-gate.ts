import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** The kubectl the cross-checks run: INFRABLOCKS_KUBECTL, else the one on the PATH. */
export const KUBECTL = process.env.INFRABLOCKS_KUBECTL ?? "kubectl";

/** Whether `KUBECTL version --client` runs, so the suites that check against kubectl can. */
export async function kubectlAvailable(): Promise<boolean> {
  return promisify(execFile)(KUBECTL, ["version", "--client"]).then(
    () => true,
    () => false,
  );
}
