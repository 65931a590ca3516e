import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fnv1a } from "./fnv1a.js";

// Reading every package.json of a project's node_modules costs a command 15 to 20 ms per 1,000 packages.
// A scan is remembered with a stamp of everything an install or an edit changes, and reused while every
// stamp still matches.

/** A package whose package.json has an `infrablocks` field (whatever its value: the caller checks it). */
export interface ScannedPackage {
  folder: string;
  name: string;
  infrablocks: unknown;
}

/** A file or folder as stat saw it: path, modification time and size; -1 and -1 when it did not exist. */
type Stamp = [path: string, modifiedMs: number, size: number];

interface CachedScan {
  version: typeof CACHE_VERSION;
  nodeModules: string[];
  stamps: Stamp[];
  packages: ScannedPackage[];
}

const CACHE_VERSION = 1;

/**
 * A scan is kept per list of folders, so per folder the CLI runs in: at most this many are kept (the
 * oldest written go first), so that a CI runner starting it in a new temporary folder each time does not
 * fill the home with them.
 */
const MAX_KEPT_SCANS = 100;

/**
 * Files each package manager rewrites at the end of every install (npm, pnpm, Yarn 1, Yarn 2+): they
 * change even when an install overwrites a package's files in place, leaving its folder's time alone.
 */
const INSTALL_RECORDS = [".package-lock.json", ".modules.yaml", ".yarn-integrity", ".yarn-state.yml"];

export interface ScanOptions {
  /** Where to remember the scan; without it, every call scans. */
  cacheFolder?: string;
  /**
   * A scan is remembered only if every stamp is older than this: a change made in the same clock tick as
   * the scan (file times move in steps of a few milliseconds) would leave its stamp as it was. @default 2000
   */
  settledMs?: number;
}

/**
 * The packages of the given node_modules folders that declare `infrablocks`, in order: in each folder
 * `name` and `@scope/name` (sorted; `.bin`, `.pnpm` and the like skipped). The nearest copy of a package
 * wins, as Node's resolution would pick it, whether or not it declares the field. With `cacheFolder`, a scan of the same folders is
 * reused while its stamps match: each folder and scope folder (a package added, removed or replaced
 * changes them), each package manager's install record, and the package.json of every package that is a
 * symbolic link (a workspace or linked package, edited in place) or declares `infrablocks`.
 */
export function scanPackages(nodeModules: readonly string[], options: ScanOptions = {}): ScannedPackage[] {
  const { cacheFolder, settledMs = 2_000 } = options;
  const cacheFile = cacheFolder && join(cacheFolder, `drivers-${fnv1a(nodeModules.join("\n"))}.json`);
  const cached = cacheFile ? readCache(cacheFile, nodeModules) : undefined;
  if (cached) return cached;
  const startedAt = Date.now();
  const stamps: Stamp[] = [];
  const packages: ScannedPackage[] = [];
  const seen = new Set<string>();
  const add = (folder: string, linked: boolean) => addPackage(folder, linked, seen, packages, stamps);
  for (const folder of nodeModules) {
    const entries = stampedEntries(folder, stamps);
    if (!entries) continue;
    for (const record of INSTALL_RECORDS) stamps.push(stampOf(join(folder, record)));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      if (!entry.name.startsWith("@")) {
        add(join(folder, entry.name), entry.isSymbolicLink());
        continue;
      }
      for (const scoped of stampedEntries(join(folder, entry.name), stamps) ?? []) {
        if (!scoped.name.startsWith(".")) add(join(folder, entry.name, scoped.name), scoped.isSymbolicLink());
      }
    }
  }
  if (cacheFile && stamps.every(([, modifiedMs]) => modifiedMs < startedAt - settledMs)) {
    writeCache(cacheFile, { version: CACHE_VERSION, nodeModules: [...nodeModules], stamps, packages });
  }
  return packages;
}

// --- Internal helpers ---

/** A folder's entries, sorted by name, after stamping it; undefined when it is not a readable folder. */
function stampedEntries(folder: string, stamps: Stamp[]) {
  stamps.push(stampOf(folder));
  try {
    return readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch {
    return undefined;
  }
}

function addPackage(
  folder: string,
  linked: boolean,
  seen: Set<string>,
  packages: ScannedPackage[],
  stamps: Stamp[],
) {
  const packageJsonPath = join(folder, "package.json");
  let packageJson: unknown;
  try {
    packageJson = JSON.parse(readFileSync(packageJsonPath, "utf8"));
  } catch {
    // Not a package (a stray folder), or an unreadable one: neither is a driver we could load.
    if (linked) stamps.push(stampOf(packageJsonPath));
    return;
  }
  if (packageJson === null || typeof packageJson !== "object") return;
  const { name } = packageJson as { name?: unknown };
  const declares = Object.hasOwn(packageJson, "infrablocks");
  if (linked || declares) stamps.push(stampOf(packageJsonPath));
  if (typeof name !== "string" || seen.has(name)) return;
  seen.add(name);
  if (declares)
    packages.push({ folder, name, infrablocks: (packageJson as { infrablocks: unknown }).infrablocks });
}

function stampOf(path: string): Stamp {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats ? [path, stats.mtimeMs, stats.size] : [path, -1, -1];
}

/** The remembered scan of exactly these folders, if every stamp still matches; a broken cache is ignored. */
function readCache(file: string, nodeModules: readonly string[]): ScannedPackage[] | undefined {
  let cached: CachedScan;
  try {
    cached = JSON.parse(readFileSync(file, "utf8")) as CachedScan;
  } catch {
    return undefined;
  }
  if (
    cached?.version !== CACHE_VERSION ||
    !Array.isArray(cached.stamps) ||
    !Array.isArray(cached.packages) ||
    JSON.stringify(cached.nodeModules) !== JSON.stringify(nodeModules)
  ) {
    return undefined;
  }
  for (const [path, modifiedMs, size] of cached.stamps) {
    const [, nowModifiedMs, nowSize] = stampOf(path);
    if (nowModifiedMs !== modifiedMs || nowSize !== size) return undefined;
  }
  return cached.packages;
}

/** Written whole to a temporary file and renamed into place; where the home cannot be written, nothing is remembered. */
function writeCache(file: string, scan: CachedScan): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
  } catch {
    return;
  }
  try {
    writeFileSync(temporary, JSON.stringify(scan), { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // Full, or not writable: the next command scans again.
    rmSync(temporary, { force: true });
    return;
  }
  removeOldestScans(join(file, ".."));
}

function removeOldestScans(folder: string): void {
  const kept = readdirSync(folder).filter((name) => name.startsWith("drivers-") && name.endsWith(".json"));
  if (kept.length <= MAX_KEPT_SCANS) return;
  const byAge = kept
    .map((name) => ({ name, modifiedMs: stampOf(join(folder, name))[1] }))
    .sort((a, b) => a.modifiedMs - b.modifiedMs);
  for (const { name } of byAge.slice(0, kept.length - MAX_KEPT_SCANS))
    rmSync(join(folder, name), { force: true });
}
