import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN, cli, freshHome, REPO } from "./cli-support.js";

const run = promisify(execFile);
const COMPILE_CACHE = join(REPO, "packages/cli/dist/compile-cache.cjs");
// Node 22.1+ keeps compiled code itself (module.enableCompileCache): the CLI's own cache is for older Node.
const ownCache = !("enableCompileCache" in Module);

/** Files a CommonJS module tree uses: relative requires, require.resolve, its paths, an import(), a throw. */
const APP: Record<string, string> = {
  "main.cjs": [
    'const helper = require("./helper.cjs");',
    "module.exports = {",
    "  helper: helper(),",
    "  file: __filename,",
    "  folder: __dirname,",
    '  resolved: require.resolve("./helper.cjs"),',
    '  lookupPaths: Array.isArray(require.resolve.paths("some-package")),',
    "  main: require.main === process.mainModule,",
    '  esmSyntax: require("./esm-syntax.js").value,',
    '  stackLine: require("./throws.cjs")(),',
    '  imported: import("./imported.mjs").then((module) => module.value),',
    '  importedByFunction: require("./function-import.cjs")(require("node:url").pathToFileURL(__dirname + "/imported.mjs").href),',
    "};",
  ].join("\n"),
  "helper.cjs": 'module.exports = () => "helper one";\n',
  // ES module syntax in a .js file of a package without "type": Node loads it as an ES module.
  "esm-syntax.js": "export const value = 'esm syntax';\n",
  "throws.cjs": [
    "function fail() { throw new Error('thrown'); }",
    "module.exports = () => { try { fail(); } catch (error) { return error.stack.split('\\n')[1]; } };",
  ].join("\n"),
  "imported.mjs": "export const value = 'imported';\n",
  // The import() of a Function made in a file compiled from a cache would find no loader either.
  "function-import.cjs":
    'const importModule = new Function("url", "return import(url)");\nmodule.exports = (url) => importModule(url).then((module) => module.value);\n',
  "package.json": "{}\n",
};

interface AppRun {
  output: Record<string, unknown>;
  /** Cache entry name to its modification time. */
  entries: Map<string, number>;
}

/** A folder with the app and a starter that keeps its compiled code in `cache` (settled at once). */
async function appFolder(): Promise<{ folder: string; cache: string }> {
  const folder = await mkdtemp(join(tmpdir(), "ib-compile-cache-"));
  await mkdir(join(folder, "app"));
  for (const [name, text] of Object.entries(APP)) await writeFile(join(folder, "app", name), text);
  const cache = join(folder, "cache");
  await writeFile(
    join(folder, "start.cjs"),
    [
      `require(${JSON.stringify(COMPILE_CACHE)}).keepCompiledCode({ folder: ${JSON.stringify(cache)} });`,
      'const app = require("./app/main.cjs");',
      "Promise.all([app.imported, app.importedByFunction]).then(([imported, importedByFunction]) =>",
      "  process.stdout.write(JSON.stringify({ ...app, imported, importedByFunction })),",
      ");",
    ].join("\n"),
  );
  return { folder, cache };
}

async function runApp(folder: string, cache: string, env: NodeJS.ProcessEnv = {}): Promise<AppRun> {
  const { stdout } = await run(process.execPath, [join(folder, "start.cjs")], {
    env: { ...process.env, NODE_OPTIONS: "", ...env },
  });
  return { output: JSON.parse(stdout) as Record<string, unknown>, entries: await cacheEntries(cache) };
}

/** A copy of `bytes` with one bit changed. */
function flipped(bytes: Buffer, at: number, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] as number) ^ bit;
  return copy;
}

async function cacheEntries(cache: string): Promise<Map<string, number>> {
  const entries = new Map<string, number>();
  const versions = await readdir(cache).catch(() => [] as string[]);
  for (const version of versions) {
    for (const name of await readdir(join(cache, version))) {
      entries.set(join(version, name), (await stat(join(cache, version, name))).mtimeMs);
    }
  }
  return entries;
}

describe.runIf(ownCache)("the compiled-code cache (Node without enableCompileCache)", () => {
  it("runs a module tree as Node's compile does, writes its caches once and then uses them", async () => {
    const { folder, cache } = await appFolder();
    const first = await runApp(folder, cache);
    expect(first.output).toEqual({
      helper: "helper one",
      file: join(folder, "app/main.cjs"),
      folder: join(folder, "app"),
      resolved: join(folder, "app/helper.cjs"),
      lookupPaths: true,
      main: true,
      esmSyntax: "esm syntax",
      stackLine: expect.stringContaining(`${join(folder, "app/throws.cjs")}:1:`),
      imported: "imported",
      importedByFunction: "imported",
    });
    // helper and throws; main and function-import, with their import(), are Node's to compile, as the ES
    // modules are its to load.
    expect(first.entries.size).toBe(2);
    // Code found there runs: only its owner may write it.
    for (const version of await readdir(cache)) {
      expect((await stat(join(cache, version))).mode & 0o077).toBe(0);
    }
    const second = await runApp(folder, cache);
    expect(second.output).toEqual(first.output);
    // An accepted cache is not written again.
    expect(second.entries).toEqual(first.entries);
    // Exactly what Node's own compile gives, stack columns on the first line included.
    expect((await runApp(folder, cache, { NODE_DISABLE_COMPILE_CACHE: "1" })).output).toEqual(first.output);
  });

  it("runs a file's new code after an edit that keeps its size and modification time", async () => {
    const { folder, cache } = await appFolder();
    await runApp(folder, cache);
    const helper = join(folder, "app/helper.cjs");
    const before = await stat(helper);
    const edited = APP["helper.cjs"]?.replace("one", "two") as string;
    expect(edited.length).toBe(APP["helper.cjs"]?.length);
    await writeFile(helper, edited);
    await utimes(helper, before.atime, before.mtime);
    expect((await runApp(folder, cache)).output.helper).toBe("helper two");
    expect((await runApp(folder, cache)).output.helper).toBe("helper two");
  });

  it("ignores a broken cache entry, and replaces it", async () => {
    const { folder, cache } = await appFolder();
    const { entries, output } = await runApp(folder, cache);
    for (const entry of entries.keys()) {
      const bytes = await readFile(join(cache, entry));
      const header = bytes.indexOf(10) + 1;
      // The header still matches; the code after it is cut short, garbage of the same length, or one bit
      // off (which V8 would run: it checks the code's length, not its bytes).
      for (const broken of [
        bytes.subarray(0, header + 40),
        Buffer.concat([bytes.subarray(0, header), Buffer.alloc(bytes.length - header, 7)]),
        flipped(bytes, header + 100, 1),
      ]) {
        await writeFile(join(cache, entry), broken);
        expect((await runApp(folder, cache)).output).toEqual(output);
      }
      await writeFile(join(cache, entry), flipped(bytes, header + 60, 4));
      await utimes(join(cache, entry), new Date(0), new Date(0));
    }
    const again = await runApp(folder, cache);
    expect(again.output).toEqual(output);
    // Each was written again (its time is no longer 1970's).
    for (const modifiedMs of again.entries.values()) expect(modifiedMs).toBeGreaterThan(0);
    expect(again.entries.size).toBe(entries.size);
  });

  it("ignores an entry whose code was made from another source of the same length", async () => {
    const { folder, cache } = await appFolder();
    const helper = join(folder, "app/helper.cjs");
    const entryOf = async () => {
      const entries = (await runApp(folder, cache)).entries;
      for (const entry of entries.keys()) {
        const bytes = await readFile(join(cache, entry));
        if (bytes.toString("utf8", 0, bytes.indexOf(10)).startsWith(`${helper}\0`)) return { entry, bytes };
      }
      throw new Error("no entry of helper.cjs");
    };
    const one = await entryOf();
    await writeFile(helper, APP["helper.cjs"]?.replace("one", "two") as string);
    const two = await entryOf();
    await writeFile(helper, APP["helper.cjs"] as string);
    // helper one's header, helper two's code: what a planted entry would be.
    const planted = Buffer.concat([
      one.bytes.subarray(0, one.bytes.indexOf(10) + 1),
      two.bytes.subarray(two.bytes.indexOf(10) + 1),
    ]);
    await writeFile(join(cache, one.entry), planted);
    expect((await runApp(folder, cache)).output.helper).toBe("helper one");
  });

  it("is off where others may write its folder", async () => {
    const { folder, cache } = await appFolder();
    const { entries } = await runApp(folder, cache);
    const [version] = await readdir(cache);
    await chmod(join(cache, version as string), 0o777);
    for (const entry of entries.keys()) await rm(join(cache, entry));
    const again = await runApp(folder, cache);
    expect(again.output.helper).toBe("helper one");
    expect(again.entries.size).toBe(0);
  });

  it.runIf(process.getuid?.() === 0 && existsSync("/usr/bin/setpriv"))(
    "starts the CLI for a user with no home folder",
    async (context) => {
      // A user no passwd entry names, so Node finds no home folder for it.
      const stranger = ["/usr/bin/setpriv", "--reuid=54321", "--regid=54321", "--clear-groups"];
      const env = { PATH: process.env.PATH };
      // The checkout must be readable by anyone (it is not under a home folder of mode 0700).
      const readable = await run(stranger[0] as string, [...stranger.slice(1), "test", "-r", BIN], {
        env,
      }).then(
        () => true,
        () => false,
      );
      if (!readable) context.skip();
      const { stdout, stderr } = await run(
        stranger[0] as string,
        [...stranger.slice(1), process.execPath, BIN, "--version"],
        { env },
      );
      expect(stderr).toBe("");
      expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    },
  );

  it.each([
    ["NODE_DISABLE_COMPILE_CACHE", { NODE_DISABLE_COMPILE_CACHE: "1" }],
    ["NODE_OPTIONS", { NODE_OPTIONS: "--no-warnings" }],
  ])("is off with %s", async (_name, env) => {
    const { folder, cache } = await appFolder();
    const { entries, output } = await runApp(folder, cache, env);
    expect(output.helper).toBe("helper one");
    expect(entries.size).toBe(0);
  });

  it("runs as before where the cache cannot be written", async () => {
    const { folder, cache } = await appFolder();
    await writeFile(cache, "a file where the folder would be\n");
    const { stdout } = await run(process.execPath, [join(folder, "start.cjs")], {
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    expect(JSON.parse(stdout).helper).toBe("helper one");
  });

  it("is kept under $INFRABLOCKS_HOME/cache/compiled by the CLI", async () => {
    const home = await freshHome();
    const first = await cli(["validate", "bench/fixtures/validate.yaml"], {
      home,
      env: { NODE_OPTIONS: "" },
    });
    expect(first.code).toBe(0);
    const entries = await cacheEntries(join(home, "cache/compiled"));
    // The CLI's files, core's and the process driver's check entry.
    expect(entries.size).toBeGreaterThan(10);
    const second = await cli(["validate", "bench/fixtures/validate.yaml"], {
      home,
      env: { NODE_OPTIONS: "" },
    });
    expect(second).toEqual(first);
    expect(await cacheEntries(join(home, "cache/compiled"))).toEqual(entries);
  });
});
