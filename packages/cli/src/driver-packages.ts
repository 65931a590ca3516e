import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type DiscoveredPlugins, discoverPlugins } from "./plugin-discovery.js";

let discovered: DiscoveredPlugins | undefined;

/**
 * The driver packages installed where the CLI runs, found by the `infrablocks` field of their
 * package.json (the built-in drivers declare it too). Scanned once per command; nothing is imported.
 */
export function installedPlugins(): DiscoveredPlugins {
  discovered ??= discoverPlugins();
  return discovered;
}

/**
 * The schema a driver package ships in `schemas/<slug>.json`. Its tests guarantee the file equals what
 * `exportBlockSchema` produces, so reading it spares loading zod and the driver for `schema` and `types`.
 */
export async function committedSchema(slug: string): Promise<Record<string, unknown> | undefined> {
  const plugin = installedPlugins().blockTypes.find((entry) => entry.slug === slug);
  if (!plugin) return undefined;
  try {
    return JSON.parse(await readFile(join(plugin.folder, "schemas", `${slug}.json`), "utf8")) as Record<
      string,
      unknown
    >;
  } catch {
    return undefined;
  }
}
