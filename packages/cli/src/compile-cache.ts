import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { dirname, join } from "node:path";
import { Script } from "node:vm";
import { defaultStoreHome } from "@infrablocks/core/registry";
import { fnv1a } from "./fnv1a.js";

// Node compiles every file a command loads, on every start: about 7 ms of a `run`, more than the
// run's own work (BENCHMARKS.md). Node 22.1+ keeps the compiled code on disk (module.enableCompileCache);
// on Node 20 the CLI does the same for CommonJS files, as V8 code caches made at exit, so that they hold
// the functions the command ran as well as the files' top level.

/** `import(`, or `import` and a comment before its parenthesis (a word ending in `import(` errs on the safe side). */
const DYNAMIC_IMPORT = /import\s*(?:\(|\/[/*])/;

/** Node's module internals the cache stands in for (untyped in @types/node). */
interface ModuleInternals {
  wrapper: readonly [string, string];
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
  filename: string;
  source: string;
  script: Script;
}

/** CRC-32 of bytes or of a string's UTF-8, by zlib's native code. */
type Crc32 = (data: string | Uint8Array) => number;

export interface CompileCacheOptions {
  /** Where the caches live. @default $INFRABLOCKS_HOME/cache/compiled */
  folder?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Keeps compiled code between runs of this process's CommonJS modules: Node's own cache where it has one,
 * else V8 code caches in `folder`, one per file. An entry names its file and the CRC-32 of the source it
 * was made from and of its own code, and is used only while both match: V8 itself checks no more than the
 * source's length, and runs whatever code a damaged entry holds. Off with NODE_DISABLE_COMPILE_CACHE (as
 * Node's), and, on Node 20, whenever Node runs with options (NODE_OPTIONS, flags, coverage, pending
 * deprecations): a debugger, source maps or a policy need Node's own compile.
 */
export function keepCompiledCode(options: CompileCacheOptions = {}): void {
  const { env = process.env } = options;
  if (env.NODE_DISABLE_COMPILE_CACHE) return;
  let folder: string;
  try {
    folder = options.folder ?? join(defaultStoreHome(env), "cache", "compiled");
  } catch {
    // No home folder (no HOME, no passwd entry): the command says so where it needs one.
    return;
  }
  const internals = Module as unknown as ModuleInternals;
  if (internals.enableCompileCache) {
    internals.enableCompileCache(folder);
    return;
  }
  if (
    process.execArgv.length > 0 ||
    env.NODE_OPTIONS ||
    env.NODE_V8_COVERAGE ||
    env.NODE_PENDING_DEPRECATION
  ) {
    return;
  }
  const crc32 = nativeCrc32();
  const versionFolder = join(folder, `v8-${process.version}-${process.arch}`);
  if (!crc32 || !ownedAlone(versionFolder)) return;
  // Module.wrap puts its prefix on the first line: columns there are counted from the file's own start.
  const columnOffset = -internals.wrapper[0].length;
  const nodeCompile = internals.prototype._compile;
  const toWrite: Compiled[] = [];

  internals.prototype._compile = function compileWithCache(content, filename, format) {
    // A dynamic import() (a Function's too) needs the loader's callback, which a Script gets on Node 20
    // only from an experimental option that warns, and loses when made from a cache: such a file (the
    // build turns the CLI's own into requires) is Node's to compile.
    if (format === "module" || DYNAMIC_IMPORT.test(content)) {
      return nodeCompile.call(this, content, filename, format);
    }
    const entry = join(versionFolder, `${fnv1a(filename)}.bin`);
    const cachedData = readCache(entry, filename, content, crc32);
    let script: Script;
    try {
      script = new Script(internals.wrap(content), { filename, columnOffset, cachedData });
    } catch {
      // ES module syntax, which Node's compile detects and loads as such, or a real syntax error, which it
      // reports better.
      return nodeCompile.call(this, content, filename, format);
    }
    if (!cachedData || script.cachedDataRejected) toWrite.push({ entry, filename, source: content, script });
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
    } catch {
      // A home that cannot be written only costs the next start its compile.
      return;
    }
    for (const { entry, filename, source, script } of toWrite) {
      // Written aside and renamed: a command starting meanwhile reads the old entry or the new one, whole.
      const temporary = `${entry}.${process.pid}.tmp`;
      try {
        const code = script.createCachedData();
        const header = `${sourceStamp(filename, source, crc32)}\0${code.length}\0${crc32(code)}\n`;
        writeFileSync(temporary, Buffer.concat([Buffer.from(header), code]), { mode: 0o600 });
        renameSync(temporary, entry);
      } catch {
        rmSync(temporary, { force: true });
      }
    }
  });
}

/**
 * The cached code of `source`, if `entry` holds code made from it and undamaged; a missing, stale or
 * broken entry is none.
 */
function readCache(entry: string, filename: string, source: string, crc32: Crc32): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(entry);
  } catch {
    return undefined;
  }
  const end = bytes.indexOf(10);
  if (end < 0) return undefined;
  const header = bytes.toString("utf8", 0, end);
  const stamp = sourceStamp(filename, source, crc32);
  if (!header.startsWith(`${stamp}\0`)) return undefined;
  const [length, checksum] = header.slice(stamp.length + 1).split("\0");
  const code = bytes.subarray(end + 1);
  return code.length === Number(length) && crc32(code) === Number(checksum) ? code : undefined;
}

/** What names the source an entry was made from: its path, length and CRC-32. */
function sourceStamp(filename: string, source: string, crc32: Crc32): string {
  return `${filename}\0${source.length}\0${crc32(source)}`;
}

/**
 * zlib's CRC-32, from Node 20's zlib binding: `require("node:zlib")` would cost every command 1.5 ms, the
 * binding 0.1. Only Node 20 takes this path (20.15 and later have the function; 22.1+ use Node's cache).
 */
function nativeCrc32(): Crc32 | undefined {
  try {
    type Binding = { crc32?: (data: string | Uint8Array, value: number) => number };
    const { crc32 } = (process as unknown as { binding(name: string): Binding }).binding("zlib");
    // The binding takes its start value as given (a missing one aborts the process), unlike zlib.crc32.
    return typeof crc32 === "function" ? (data) => crc32(data, 0) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `folder`, if it exists, is this user's and writable by nobody else: code found there runs. */
function ownedAlone(folder: string): boolean {
  try {
    const info = lstatSync(folder, { throwIfNoEntry: false });
    return !info || (info.isDirectory() && info.uid === process.getuid?.() && (info.mode & 0o022) === 0);
  } catch {
    // A file where a folder on the way should be: nothing can be kept there.
    return false;
  }
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
