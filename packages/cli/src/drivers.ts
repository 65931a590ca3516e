import { existsSync, readFileSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BlockJsonSchema, BlockType } from "@infrablocks/core";
import {
  BlockRegistry,
  type BlockTypeEntry,
  defaultStoreHome,
  InfrablocksError,
  SLUG_PATTERN,
} from "@infrablocks/core/registry";
import type { DocumentChecker } from "@infrablocks/core/runtime";
import { scanPackages } from "./driver-scan.js";
import { importModule } from "./esm-import.js";

// Finding the installed drivers: the packages whose package.json has an `infrablocks` field (the
// built-in drivers declare it too), the registry they make, and the schemas they ship.

/** The `infrablocks` field of a driver package's package.json. */
export interface DriverManifest {
  /** The slugs of the block types the package's entry exports in its `blockTypes`. */
  blockTypes: string[];
  /** The module that exports `blockTypes`, relative to the package folder, e.g. "./dist/index.js". */
  entry: string;
  /**
   * The module that exports `documentCheckers` (see DocumentChecker in @infrablocks/core/runtime), if
   * the package ships one: documents of its types are then checked without evaluating their zod schemas.
   */
  check?: string;
}

/** A block type found in an installed package; `load` imports the package's entry on first use only. */
export interface DiscoveredBlockType extends BlockTypeEntry {
  /** The package's folder (symbolic links resolved). */
  folder: string;
  /** The type's document checker: from the package's check entry, else derived from the block type. */
  loadChecker(): Promise<DocumentChecker>;
}

export interface DiscoveredDrivers {
  blockTypes: DiscoveredBlockType[];
  /** One line per installed package whose `infrablocks` field is unusable; that package is skipped. */
  warnings: string[];
}

export interface DriverDiscoveryOptions {
  /**
   * Folders to search from, in order of precedence: each one's `node_modules`, then those of its
   * parent folders. @default [process.cwd(), the CLI's own package folder]
   */
  from?: readonly string[];
  /** The folder of the @infrablocks/core the caller uses. @default the one the CLI resolves */
  coreFolder?: string;
  /** Where to remember the scan of the node_modules folders (see scanPackages); without it, every call scans. */
  cacheFolder?: string;
}

const CLI_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Finds installed driver packages by the `infrablocks` field of their package.json, in every
 * `node_modules` folder from each starting folder up to the root (scoped packages included). The
 * nearest copy of a package wins, as Node's resolution would pick it; two different packages that
 * claim one slug are a DUPLICATE_BLOCK_TYPE error naming both. Nothing is imported here.
 */
export function discoverDrivers(options: DriverDiscoveryOptions = {}): DiscoveredDrivers {
  const coreFolder = options.coreFolder ?? coreFolderFrom(join(CLI_FOLDER, "package.json"));
  const bySlug = new Map<string, DiscoveredBlockType>();
  const warnings: string[] = [];
  const nodeModules = nodeModulesFolders(options.from ?? [process.cwd(), CLI_FOLDER]);
  for (const { folder, name, infrablocks } of scanPackages(nodeModules, {
    cacheFolder: options.cacheFolder,
  })) {
    const manifest = parseManifest(infrablocks);
    if (typeof manifest === "string") {
      warnings.push(`${name} (${folder}): package.json#infrablocks ${manifest}; skipped.`);
      continue;
    }
    for (const slug of new Set(manifest.blockTypes)) {
      const claimed = bySlug.get(slug);
      if (claimed) {
        throw new InfrablocksError(
          "DUPLICATE_BLOCK_TYPE",
          `Block type '${slug}' is claimed by both ${claimed.package} (${claimed.folder}) and ${name} (${folder}); uninstall one of them.`,
        );
      }
      bySlug.set(slug, {
        slug,
        package: name,
        folder,
        load: () => loadBlockType(name, folder, manifest.entry, slug, coreFolder),
        loadChecker: () =>
          manifest.check
            ? loadChecker(name, folder, manifest.check, slug, coreFolder)
            : loadBlockType(name, folder, manifest.entry, slug, coreFolder).then(async (blockType) =>
                (await import("@infrablocks/core")).blockChecker(blockType),
              ),
      });
    }
  }
  return { blockTypes: [...bySlug.values()], warnings };
}

let discovered: DiscoveredDrivers | undefined;

/**
 * The drivers installed where the CLI runs: found once per command, from the scan kept in
 * `$INFRABLOCKS_HOME/cache` while nothing it stamped has changed (driver-scan.ts); nothing is imported.
 */
export function installedDrivers(): DiscoveredDrivers {
  discovered ??= discoverDrivers({ cacheFolder: join(defaultStoreHome(), "cache") });
  return discovered;
}

/** A registry of the installed block types; each driver is imported only when its type is used. */
export function installedBlockTypes(warn: (message: string) => void): BlockRegistry {
  const { blockTypes, warnings } = installedDrivers();
  for (const warning of warnings) warn(warning);
  return new BlockRegistry(blockTypes);
}

/** The document checkers of the installed block types, each imported only when its type is checked. */
export function installedCheckers(): BlockRegistry<DocumentChecker> {
  return new BlockRegistry<DocumentChecker>(
    installedDrivers().blockTypes.map((entry) => ({
      slug: entry.slug,
      package: entry.package,
      load: entry.loadChecker,
    })),
  );
}

export interface InstalledSchemasOptions {
  /** Only this slug (an unknown one is an UNKNOWN_BLOCK_TYPE error). */
  only?: string;
  /** Called for a type whose driver cannot be loaded; without it, such a type is an error. */
  onUnusable?: (slug: string, packageName: string | undefined, error: Error) => void;
}

/**
 * The exported schemas of the installed types (or of one), keyed by slug in slug order, as
 * `schema --out` writes index.json. A driver's committed `schemas/<slug>.json` is read when it ships
 * one (its tests keep it equal to what `exportBlockSchema` produces), sparing zod and the driver;
 * otherwise the type is loaded from `registry` and exported.
 */
export async function installedSchemas(
  registry: () => Promise<BlockRegistry>,
  options: InstalledSchemasOptions = {},
): Promise<Record<string, BlockJsonSchema>> {
  const { only, onUnusable } = options;
  const known = installedDrivers()
    .blockTypes.map((entry) => entry.slug)
    .sort();
  const slugs = only ? [only] : known;
  const schemas: Record<string, BlockJsonSchema> = {};
  for (const slug of slugs) {
    try {
      schemas[slug] =
        committedSchema(slug) ??
        (await import("@infrablocks/core")).exportBlockSchema(await (await registry()).get(slug));
    } catch (error) {
      if (!onUnusable) throw error;
      onUnusable(slug, (await registry()).packageOf(slug), error as Error);
    }
  }
  return schemas;
}

/** The schema a driver package ships in `schemas/<slug>.json`, if it ships one. */
function committedSchema(slug: string): BlockJsonSchema | undefined {
  const driver = installedDrivers().blockTypes.find((entry) => entry.slug === slug);
  if (!driver) return undefined;
  try {
    // Read as the discovery reads package.json files: node:fs/promises costs `schema` 3 ms to load.
    return JSON.parse(
      readFileSync(join(driver.folder, "schemas", `${slug}.json`), "utf8"),
    ) as BlockJsonSchema;
  } catch {
    return undefined;
  }
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

/** The manifest, or what is wrong with it. */
function parseManifest(value: unknown): DriverManifest | string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return 'must be an object like { "blockTypes": ["my-type"], "entry": "./dist/index.js" }';
  }
  const { blockTypes, entry, check } = value as Record<string, unknown>;
  if (!Array.isArray(blockTypes) || blockTypes.length === 0) {
    return "blockTypes must be a non-empty list of block type slugs";
  }
  const badSlug = blockTypes.find((slug) => typeof slug !== "string" || !SLUG_PATTERN.test(slug));
  if (badSlug !== undefined) {
    return `blockTypes holds ${JSON.stringify(badSlug)}, not a slug (lowercase letters, digits and dashes)`;
  }
  if (typeof entry !== "string" || entry === "") {
    return 'entry must be the path of the module that exports blockTypes, e.g. "./dist/index.js"';
  }
  if (!isPackagePath(entry)) return `entry '${entry}' must be a path inside the package`;
  if (check !== undefined && !isPackagePath(check)) {
    return `check must be the path of a module inside the package that exports documentCheckers, e.g. "./dist/check.js"`;
  }
  return { blockTypes: blockTypes as string[], entry, ...(typeof check === "string" ? { check } : {}) };
}

/** A relative path that stays in the package: read segment by segment (node:path's resolve, cold, cost every command 0.5 ms). */
function isPackagePath(value: unknown): value is string {
  if (typeof value !== "string" || value === "" || isAbsolute(value)) return false;
  let depth = 0;
  for (const segment of value.split(/[/\\]/)) {
    if (segment === "..") depth--;
    else if (segment !== "." && segment !== "") depth++;
    if (depth < 0) return false;
  }
  return true;
}

/**
 * The real folder of the @infrablocks/core that code in `fromFile`'s package resolves, if any: the first
 * of Node's lookup folders that holds it. Found by hand, as `require.resolve` would resolve the package's
 * `exports` too (about 1 ms a call, for a folder the lookup already names).
 */
function coreFolderFrom(fromFile: string): string | undefined {
  for (const folder of createRequire(fromFile).resolve.paths("@infrablocks/core") ?? []) {
    const manifest = join(folder, "@infrablocks", "core", "package.json");
    if (existsSync(manifest)) return dirname(realpathSync(manifest));
  }
  return undefined;
}

function loadBlockType(
  packageName: string,
  folder: string,
  entry: string,
  slug: string,
  coreFolder: string | undefined,
): Promise<BlockType> {
  return loadExported<BlockType>(
    "blockTypes",
    `its entry ${entry} exports no such block type`,
    packageName,
    folder,
    entry,
    slug,
    coreFolder,
  );
}

function loadChecker(
  packageName: string,
  folder: string,
  entry: string,
  slug: string,
  coreFolder: string | undefined,
): Promise<DocumentChecker> {
  return loadExported<DocumentChecker>(
    "documentCheckers",
    `its check entry ${entry} exports no checker for it`,
    packageName,
    folder,
    entry,
    slug,
    coreFolder,
  );
}

/** The item for `slug` in the list that a driver's entry exports under `key` (block types, checkers). */
async function loadExported<Item extends { slug: string }>(
  key: "blockTypes" | "documentCheckers",
  /** What is missing, as the error words it. */
  missing: string,
  packageName: string,
  folder: string,
  entry: string,
  slug: string,
  coreFolder: string | undefined,
): Promise<Item> {
  const module = (await importEntry(packageName, folder, entry, slug, coreFolder)) as Record<
    string,
    readonly Item[] | undefined
  >;
  const items = module[key];
  const item = items?.find((candidate) => candidate.slug === slug);
  if (!item) {
    const found = items?.map((candidate) => candidate.slug).join(", ") || "none";
    throw new InfrablocksError(
      "UNKNOWN_BLOCK_TYPE",
      `${packageName} declares '${slug}' in package.json#infrablocks.blockTypes, but ${missing} in ${key} (found: ${found}).`,
    );
  }
  return item;
}

async function importEntry(
  packageName: string,
  folder: string,
  entry: string,
  slug: string,
  coreFolder: string | undefined,
): Promise<unknown> {
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
  const path = resolve(folder, entry);
  try {
    // The CLI's build is CommonJS. From the sources (under vitest), vitest's loader imports every entry (its
    // config maps the built-in drivers' `.cjs` ones to their sources).
    if (import.meta.url.endsWith(".ts")) return await import(pathToFileURL(path).href);
    return path.endsWith(".cjs") ? require(path) : await importModule(pathToFileURL(path).href);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") throw error;
    throw new InfrablocksError(
      "DRIVER_DEPENDENCY_MISSING",
      `Cannot load ${packageName}'s entry ${entry}: ${(error as Error).message}. Reinstall ${packageName} (or build it).`,
      { blockType: slug, cause: error },
    );
  }
}
