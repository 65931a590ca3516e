import { join, resolve } from "node:path";

/**
 * The store's folder: `$INFRABLOCKS_HOME`, else `~/.infrablocks`; always absolute, as the processes a run
 * starts (its supervisor) work in other folders than the caller's.
 */
export function defaultStoreHome(env: NodeJS.ProcessEnv = process.env): string {
  // node:os on first use: `types` and `schema` need the folder (the CLI's driver cache) but nothing else of it.
  return env.INFRABLOCKS_HOME
    ? resolve(env.INFRABLOCKS_HOME)
    : join(process.getBuiltinModule("node:os").homedir(), ".infrablocks");
}
