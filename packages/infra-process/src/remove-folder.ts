import { readdirSync, rmdirSync, rmSync, unlinkSync } from "node:fs";
import { join } from "node:path";

/**
 * Removes a folder of a few files (a run's record, a run's empty working folder) in place: a readdir, an
 * unlink each and an rmdir cost less than node:fs's recursive removal, which a process run then never
 * loads. Anything else (a folder inside) goes recursively.
 */
export function removeFolder(folder: string): void {
  try {
    for (const name of readdirSync(folder)) unlinkSync(join(folder, name));
    rmdirSync(folder);
  } catch {
    rmSync(folder, { recursive: true, force: true });
  }
}
