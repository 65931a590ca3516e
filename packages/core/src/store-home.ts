import { join } from "node:path";

/** The store's folder: `$INFRABLOCKS_HOME`, else `~/.infrablocks`. */
export function defaultStoreHome(env: NodeJS.ProcessEnv = process.env): string {
  // node:os on first use: `types` and `schema` need the folder (the CLI's driver cache) but nothing else of it.
  return env.INFRABLOCKS_HOME || join(process.getBuiltinModule("node:os").homedir(), ".infrablocks");
}
