import {
  accessSync,
  constants as fsConstants,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import Module from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { defaultStoreHome } from "@infrablocks/core/registry";
import { fnv1a } from "./fnv1a.js";

// Node compiles every file a command loads, on every start: about 7 ms of a `run`, more than the
// run's own work (BENCHMARKS.md). Node 22.1+ keeps the compiled code on disk (module.enableCompileCache);
// on older Node the CLI does the same for CommonJS files, as V8 code caches made at exit, so that they
// hold the functions the command ran as well as the files' top level.

/** `import(`, or `import` and a comment before its parenthesis (a word ending in `import(` errs on the safe side). */
const DYNAMIC_IMPORT = /import\s*(?:\(|\/[/*])/;

/** Node's module internals the cache stands in for (untyped in @types/node). */
interface ModuleInternals {
  prototype: {
    _compile(this: LoadedModule, content: string, filename: string, format?: string): unknown;
  };
  _resolveFilename(request: string, parent: LoadedModule, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: LoadedModule): string[] | null;
  _extensions: NodeJS.RequireExtensions;
  _cache: NodeJS.Dict<NodeModule>;
  wrap(content: string): string;
  enableCompileCache?: (folder: string) => unknown;
}

interface LoadedModule {
  exports: unknown;
  require(id: string): unknown;
}

/** A file compiled without an accepted cache, to write its cache at exit. */
interface Compiled {
  entry: string;
  stamp: string;
  script: Script;
}

export interface CompileCacheOptions {
  /** Where the caches live. @default $INFRABLOCKS_HOME/cache/compiled */
  folder?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * A cache is written only for a file unchanged for this long before the process started: a file
   * rewritten between Node's read and the stat that stamps it would otherwise be stamped with its new
   * times and the old code. @default 2000
   */
  settledMs?: number;
}

/**
 * Keeps compiled code between runs of this process's CommonJS modules: Node's own cache where it has one,
 * else V8 code caches in `folder`, one per file, each stamped with the file's size, times and inode and used
 * only while they match. Off with NODE_DISABLE_COMPILE_CACHE (as Node's), and, on older Node, whenever
 * Node runs with options (NODE_OPTIONS, flags, coverage): a debugger, source maps or a policy need Node's
 * own compile.
 */
export function keepCompiledCode(options: CompileCacheOptions = {}): void {
  const { env = process.env, settledMs = 2_000 } = options;
  if (env.NODE_DISABLE_COMPILE_CACHE) return;
  const folder = options.folder ?? join(defaultStoreHome(env), "cache", "compiled");
  const internals = Module as unknown as ModuleInternals;
  if (internals.enableCompileCache) {
    internals.enableCompileCache(folder);
    return;
  }
  if (process.execArgv.length > 0 || env.NODE_OPTIONS || env.NODE_V8_COVERAGE) return;
  const versionFolder = join(folder, `v8-${process.version}-${process.arch}`);
  // The process's start from its uptime: `performance` would load perf_hooks and seven modules under it.
  const settledBefore = Date.now() - process.uptime() * 1000 - settledMs;
  const nodeCompile = internals.prototype._compile;
  const toWrite: Compiled[] = [];

  internals.prototype._compile = function compileWithCache(content, filename, format) {
    // A dynamic import() (a Function's too) needs the loader's callback, which a Script gets on Node 20
    // only from an experimental option that warns, and loses when made from a cache: such a file (the
    // build turns the CLI's own into requires) is Node's to compile.
    if (format === "module" || DYNAMIC_IMPORT.test(content)) {
      return nodeCompile.call(this, content, filename, format);
    }
    // Gone since Node read it: Node's compile needs no stamp.
    const info = statSync(filename, { throwIfNoEntry: false });
    if (!info) return nodeCompile.call(this, content, filename, format);
    const { size, mtimeMs, ctimeMs, ino } = info;
    const stamp = `${filename}\0${size}\0${mtimeMs}\0${ctimeMs}\0${ino}`;
    const entry = join(versionFolder, `${fnv1a(filename)}.bin`);
    const cachedData = readCache(entry, stamp);
    let script: Script;
    try {
      script = new Script(internals.wrap(content), { filename, cachedData });
    } catch {
      // ES module syntax, which Node's compile detects and loads as such, or a real syntax error, which it
      // reports better.
      return nodeCompile.call(this, content, filename, format);
    }
    if ((!cachedData || script.cachedDataRejected) && ctimeMs < settledBefore) {
      toWrite.push({ entry, stamp, script });
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...values: unknown[]) => unknown;
    return wrapper.call(
      this.exports,
      this.exports,
      requireFor(this, internals),
      this,
      filename,
      dirname(filename),
    );
  };

  process.once("exit", () => {
    if (toWrite.length === 0) return;
    try {
      // The owner's alone: code found there runs.
      mkdirSync(versionFolder, { recursive: true, mode: 0o700 });
      accessSync(versionFolder, fsConstants.W_OK);
    } catch {
      // A home that cannot be written only costs the next start its compile.
      return;
    }
    for (const { entry, stamp, script } of toWrite) {
      // Written aside and renamed: a command starting meanwhile reads the old entry or the new one, whole.
      const temporary = `${entry}.${process.pid}.tmp`;
      try {
        writeFileSync(temporary, Buffer.concat([Buffer.from(`${stamp}\n`), script.createCachedData()]));
        renameSync(temporary, entry);
      } catch {
        rmSync(temporary, { force: true });
      }
    }
  });
}

/** The cached code of the file `stamp` describes, if `entry` holds it; a missing or broken entry is none. */
function readCache(entry: string, stamp: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(entry);
  } catch {
    return undefined;
  }
  const end = bytes.indexOf(10);
  return end > 0 && bytes.toString("utf8", 0, end) === stamp ? bytes.subarray(end + 1) : undefined;
}

/** The `require` Node gives a CommonJS module, as its loader makes it. */
function requireFor(module: LoadedModule, internals: ModuleInternals): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) =>
    internals._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => internals._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = internals._extensions;
  require.cache = internals._cache;
  return require;
}
