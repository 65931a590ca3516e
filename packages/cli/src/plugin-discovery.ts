import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BlockType, type BlockTypeEntry, InfrablocksError } from "@infrablocks/core";

/** The `infrablocks` field of a driver package's package.json. */
export interface PluginManifest {
  /** The slugs of the block types the package's entry exports in its `blockTypes`. */
  blockTypes: string[];
  /** The module that exports `blockTypes`, relative to the package folder, e.g. "./dist/index.js". */
  entry: string;
}

/** A block type found in an installed package; `load` imports the package's entry on first use only. */
export interface DiscoveredBlockType extends BlockTypeEntry {
  /** The package's folder (symbolic links resolved). */
  folder: string;
}

export interface DiscoveredPlugins {
  blockTypes: DiscoveredBlockType[];
  /** One line per installed package whose `infrablocks` field is unusable; that package is skipped. */
  warnings: string[];
}

export interface PluginDiscoveryOptions {
  /**
   * Folders to search from, in order of precedence: each one's `node_modules`, then those of its
   * parent folders. @default [process.cwd(), the CLI's own package folder]
   */
  from?: readonly string[];
  /** The folder of the @infrablocks/core the caller uses. @default the one the CLI resolves */
  coreFolder?: string;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CLI_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Finds installed driver packages by the `infrablocks` field of their package.json, in every
 * `node_modules` folder from each starting folder up to the root (scoped packages included). The
 * nearest copy of a package wins, as Node's resolution would pick it; two different packages that
 * claim one slug are a DUPLICATE_BLOCK_TYPE error naming both. Nothing is imported here.
 */
export function discoverPlugins(options: PluginDiscoveryOptions = {}): DiscoveredPlugins {
  const coreFolder = options.coreFolder ?? coreFolderFrom(join(CLI_FOLDER, "package.json"));
  const seenPackages = new Set<string>();
  const bySlug = new Map<string, DiscoveredBlockType>();
  const warnings: string[] = [];
  for (const nodeModules of nodeModulesFolders(options.from ?? [process.cwd(), CLI_FOLDER])) {
    for (const folder of packageFolders(nodeModules)) {
      const packageJson = readPackageJson(folder);
      if (!packageJson || typeof packageJson.name !== "string" || seenPackages.has(packageJson.name))
        continue;
      seenPackages.add(packageJson.name);
      if (!("infrablocks" in packageJson)) continue;
      const manifest = parseManifest(packageJson.infrablocks, folder);
      if (typeof manifest === "string") {
        warnings.push(`${packageJson.name} (${folder}): package.json#infrablocks ${manifest}; skipped.`);
        continue;
      }
      for (const slug of new Set(manifest.blockTypes)) {
        const claimed = bySlug.get(slug);
        if (claimed) {
          throw new InfrablocksError(
            "DUPLICATE_BLOCK_TYPE",
            `Block type '${slug}' is claimed by both ${claimed.package} (${claimed.folder}) and ${packageJson.name} (${folder}); uninstall one of them.`,
          );
        }
        bySlug.set(slug, {
          slug,
          package: packageJson.name,
          folder,
          load: () => loadBlockType(packageJson.name as string, folder, manifest.entry, slug, coreFolder),
        });
      }
    }
  }
  return { blockTypes: [...bySlug.values()], warnings };
}

// --- Internal helpers ---

/** `<folder>/node_modules` for each starting folder and each of its ancestors, each once. */
function nodeModulesFolders(starts: readonly string[]): string[] {
  const folders: string[] = [];
  for (const start of starts) {
    let current = resolve(start);
    for (;;) {
      const candidate = join(current, "node_modules");
      if (!folders.includes(candidate)) folders.push(candidate);
      const parent = dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  return folders;
}

/** The package folders of one node_modules: `name` and `@scope/name`, not `.bin`, `.pnpm` and the like. */
function packageFolders(nodeModules: string): string[] {
  const folders: string[] = [];
  for (const name of listFolder(nodeModules)) {
    if (name.startsWith(".")) continue;
    if (name.startsWith("@")) {
      for (const scoped of listFolder(join(nodeModules, name))) {
        if (!scoped.startsWith(".")) folders.push(join(nodeModules, name, scoped));
      }
    } else {
      folders.push(join(nodeModules, name));
    }
  }
  return folders;
}

function listFolder(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}

function readPackageJson(folder: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    // Not a package (a stray folder), or an unreadable one: neither is a driver we could load.
    return undefined;
  }
}

/** The manifest, or what is wrong with it. */
function parseManifest(value: unknown, folder: string): PluginManifest | string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return 'must be an object like { "blockTypes": ["my-type"], "entry": "./dist/index.js" }';
  }
  const { blockTypes, entry } = value as Record<string, unknown>;
  if (!Array.isArray(blockTypes) || blockTypes.length === 0) {
    return "blockTypes must be a non-empty list of block type slugs";
  }
  const badSlug = blockTypes.find((slug) => typeof slug !== "string" || !SLUG.test(slug));
  if (badSlug !== undefined) {
    return `blockTypes holds ${JSON.stringify(badSlug)}, not a slug (lowercase letters, digits and dashes)`;
  }
  if (typeof entry !== "string" || entry === "") {
    return 'entry must be the path of the module that exports blockTypes, e.g. "./dist/index.js"';
  }
  const inside = relative(folder, resolve(folder, entry));
  if (isAbsolute(entry) || inside.startsWith("..") || isAbsolute(inside)) {
    return `entry '${entry}' must be a path inside the package`;
  }
  return { blockTypes: blockTypes as string[], entry };
}

/** The real folder of the @infrablocks/core that code in `fromFile`'s package resolves, if any. */
function coreFolderFrom(fromFile: string): string | undefined {
  try {
    return dirname(realpathSync(createRequire(fromFile).resolve("@infrablocks/core/package.json")));
  } catch {
    return undefined;
  }
}

async function loadBlockType(
  packageName: string,
  folder: string,
  entry: string,
  slug: string,
  coreFolder: string | undefined,
): Promise<BlockType> {
  // Secret and nested-block marks live in core's module state: a driver that builds its types with
  // another copy of core would have its secrets go unmasked here, so such a driver is refused.
  const driverCore = coreFolderFrom(join(folder, "package.json"));
  if (driverCore && coreFolder && driverCore !== coreFolder) {
    throw new InfrablocksError(
      "DRIVER_DEPENDENCY_MISSING",
      `${packageName} uses @infrablocks/core from ${driverCore}, but the CLI uses ${coreFolder}; install ${packageName} where it resolves the CLI's core (beside @infrablocks/cli), so that its secrets are masked.`,
      { blockType: slug },
    );
  }
  let module: { blockTypes?: readonly BlockType[] };
  try {
    module = (await import(pathToFileURL(resolve(folder, entry)).href)) as typeof module;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new InfrablocksError(
      "DRIVER_DEPENDENCY_MISSING",
      `Cannot load ${packageName}'s entry ${entry}: ${(error as Error).message}. Reinstall ${packageName} (or build it).`,
      { blockType: slug, cause: error },
    );
  }
  const blockType = module.blockTypes?.find((candidate) => candidate.slug === slug);
  if (!blockType) {
    const found = module.blockTypes?.map((candidate) => candidate.slug).join(", ") || "none";
    throw new InfrablocksError(
      "UNKNOWN_BLOCK_TYPE",
      `${packageName} declares '${slug}' in package.json#infrablocks.blockTypes, but its entry ${entry} exports no such block type in blockTypes (found: ${found}).`,
    );
  }
  return blockType;
}
