/**
 * Hostile input through the real `infrablocks` command: a fixed-seed sample of the fuzzer's invalid
 * documents, YAML bombs, deep nesting and 10 MB documents (each in a child process with a time and
 * memory bound), JSON-patch prototype pollution, and arguments, names, labels and volumes full of
 * shell metacharacters.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadInfrastructure, resolveBlock, driverContext } from "@infrablocks/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, freshHome } from "../integration/cli-support.js";
import {
  allTypesRegistry,
  type InvalidCase,
  invalidDocument,
  loadSaved,
  SLUGS,
} from "./invalid-documents.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);
/** Documents per block type sent through the CLI (5 types): 200 by default. */
const CLI_RUNS = Number(process.env.FUZZ_CLI_RUNS ?? 40);
const MEASURE = join(import.meta.dirname, "measure-cli.mjs");
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

describe("the CLI rejects a sample of fuzzed documents", () => {
  let home: string;
  beforeAll(async () => {
    home = await freshHome();
    // The saved documents the fuzzer's $refs may name (as the in-process fuzz's loader holds them).
    for (const [slug, name] of [
      ["docker-registry", "team"],
      ["kubernetes-cluster-config", "prod"],
    ] as const) {
      const saved = await cli(["save", "-", "--name", name], {
        home,
        input: JSON.stringify(await loadSaved(slug, name)),
      });
      expect(saved.code).toBe(0);
    }
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it(`exits 2 (3 for a missing $ref) naming the field, with no stack trace, for ${CLI_RUNS * SLUGS.length} documents`, async () => {
    const cases: InvalidCase[] = SLUGS.flatMap((slug) =>
      fc.sample(invalidDocument(slug), { numRuns: CLI_RUNS, seed: SEED }),
    );
    const failures: string[] = [];
    // Four at a time: a 2-core machine stays responsive and the sample takes about half a minute.
    const queue = [...cases];
    const worker = async () => {
      for (let testCase = queue.shift(); testCase; testCase = queue.shift()) {
        const result = await cli(["validate", "-"], { home, input: JSON.stringify(testCase.document) });
        const expected = testCase.code === "DOCUMENT_NOT_FOUND" ? 3 : 2;
        const where = `${testCase.slug} ${testCase.path}`;
        if (result.code !== expected) failures.push(`${where}: exit ${result.code}: ${result.stderr}`);
        else if (!result.stderr.startsWith("error: ")) failures.push(`${where}: stderr ${result.stderr}`);
        else if (STACK_LINE.test(result.stderr)) failures.push(`${where}: stack trace ${result.stderr}`);
        else if (testCase.code === "INVALID_DOCUMENT" && !result.stderr.includes(`\n  ${testCase.path}`))
          failures.push(`${where}: path not named: ${result.stderr.slice(0, 300)}`);
        else if (result.stdout !== "") failures.push(`${where}: stdout ${result.stdout}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(failures).toEqual([]);
    console.info(`[fuzz-cli] ${cases.length} documents through 'infrablocks validate -': all rejected`);
  }, 300_000);
});

/** Runs `infrablocks validate FILE` in a child process; the child reports time and peak RSS growth. */
async function measureValidate(
  text: string,
  killAfterMs = 60_000,
): Promise<{
  code: number;
  ms: number;
  rssGrowthMb: number;
  stderrBytes: number;
  stderrHead: string;
  wallMs: number;
}> {
  const directory = await mkdtemp(join(tmpdir(), "ib-bomb-"));
  try {
    const file = join(directory, "document.yaml");
    const result = join(directory, "result.json");
    const stderrFile = join(directory, "stderr");
    await writeFile(file, text);
    const stderr = openSync(stderrFile, "w");
    const started = performance.now();
    const child = spawn(process.execPath, [MEASURE, result, "validate", file], {
      env: { ...process.env, INFRABLOCKS_HOME: directory, INFRABLOCKS_DEBUG: "" },
      stdio: ["ignore", "ignore", stderr],
    });
    closeSync(stderr);
    // A hard bound: the child is killed after killAfterMs, well past the asserted bound.
    const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on("close", (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    clearTimeout(timer);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const written = await readFile(stderrFile);
    return {
      ...JSON.parse(await readFile(result, "utf8")),
      stderrBytes: written.length,
      stderrHead: written.subarray(0, 4000).toString(),
      wallMs: performance.now() - started,
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * The bounds, stated generously for a busy 2-core machine: every case below takes at most about 2 s
 * on an idle one (5 s measured while other suites ran), and grows RSS by at most about 100 MB, but
 * the 10 MB documents: the YAML parser (which reads JSON too) holds about 40 bytes per byte of text,
 * about 400 MB for 10 MB (a finding: see RELIABILITY.md).
 */
const TIME_BOUND_MS = 10_000;
const MEMORY_BOUND_MB = 300;
const LARGE_MEMORY_BOUND_MB = 600;
function manyKeys(count: number): string {
  return JSON.stringify({
    type: "process",
    command: ["echo"],
    ...Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 1])),
  });
}

const tenMegabyteCommand = Array.from(
  { length: 100_000 },
  (_, i) => `argument-${String(i).padStart(6, "0")}-${"x".repeat(80)}`,
);

describe("documents built to exhaust time, memory or the stack", () => {
  const billionLaughs = [
    "type: process",
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...["b", "c", "d", "e", "f", "g", "h", "i"].map(
      (name, index) => `${name}: &${name} [${Array(9).fill(`*${"abcdefgh"[index]}`).join(",")}]`,
    ),
    "command: [echo]",
  ].join("\n");
  // 2^48 nodes from 96 aliases: under the alias count, so only an expansion bound stops it.
  const doublingChain = [
    "type: process",
    "l0: &l0 [x, x]",
    ...Array.from({ length: 48 }, (_, i) => `l${i + 1}: &l${i + 1} [*l${i}, *l${i}]`),
    "command: [echo]",
  ].join("\n");
  const cases: { name: string; text: string; code: number; stderr: RegExp; memoryMb?: number }[] = [
    { name: "billion laughs (9 levels of 9 aliases)", text: billionLaughs, code: 2, stderr: /alias/i },
    {
      name: "a doubling alias chain, 2^48 nodes from 96 aliases",
      text: doublingChain,
      code: 2,
      stderr: /alias/i,
    },
    {
      name: "1,000,000 nested flow lists",
      text: "[".repeat(1_000_000),
      code: 2,
      stderr: /nested deeper than 64/,
    },
    {
      name: "100,000 nested block lists on one line",
      text: `type: process\ncommand: ${"- ".repeat(100_000)}x\n`,
      code: 2,
      stderr: /nested|invalid/i,
    },
    {
      name: "2,000 nested block mappings (4 MB of indentation)",
      text: `type: process\n${Array.from({ length: 2_000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")} x\n`,
      code: 2,
      stderr: /nested|invalid/i,
    },
    {
      name: "10,000 unknown keys (a 10,000-line error)",
      text: manyKeys(10_000),
      code: 2,
      stderr: /k0: unknown field/,
    },
    {
      name: "a 10 MB document (100,000 arguments)",
      text: JSON.stringify({ type: "process", command: tenMegabyteCommand }),
      code: 0,
      stderr: /^$/,
      memoryMb: LARGE_MEMORY_BOUND_MB,
    },
    {
      name: "a 10 MB secret-looking env value",
      text: JSON.stringify({
        type: "process",
        command: ["echo"],
        env: { API_TOKEN: "t".repeat(10 * 2 ** 20) },
      }),
      code: 0,
      stderr: /^$/,
      memoryMb: LARGE_MEMORY_BOUND_MB,
    },
    {
      name: "a 17 MB document (over the 16 MiB limit)",
      text: JSON.stringify({ type: "process", command: ["echo"], name: "n".repeat(17 * 2 ** 20) }),
      code: 2,
      stderr: /limit is 16777216/,
    },
  ];

  it.each(cases)(
    `$name: exit $code within ${TIME_BOUND_MS} ms and ${MEMORY_BOUND_MB} MB of RSS growth`,
    async ({ name, text, code, stderr, memoryMb = MEMORY_BOUND_MB }) => {
      const measured = await measureValidate(text);
      expect(measured.code).toBe(code);
      expect(measured.stderrHead).toMatch(stderr);
      expect(measured.ms).toBeLessThan(TIME_BOUND_MS);
      expect(measured.rssGrowthMb).toBeLessThan(memoryMb);
      console.info(
        `[bomb] ${name} (${(Buffer.byteLength(text) / 2 ** 20).toFixed(2)} MB): exit ${measured.code}, ${measured.ms.toFixed(0)} ms, +${measured.rssGrowthMb.toFixed(0)} MB RSS, ${measured.stderrBytes} bytes of stderr`,
      );
    },
    120_000,
  );

  // BUG (reported): the duplicate-key check is quadratic in the number of keys of one mapping.
  // packages/core/src/documents.ts parses with the yaml package's `uniqueKeys: true`, which compares
  // each new key with every earlier one: 5,000 keys take 0.6 s, 10,000 1.1 s, 20,000 3.8 s (3.5 s of
  // it in parseDocument; 0.3 s with uniqueKeys off), so 40,000 keys (a 0.5 MB document) take about
  // 15 s and the 16 MiB limit admits ~1,000,000 keys: hours. Expected: well under 10 s, as for every
  // other document here. Fix: uniqueKeys off plus a Set-based duplicate check per mapping.
  it("40,000 keys in one mapping (0.5 MB): rejected within the time bound", async () => {
    // Killed 2 s past the bound, so that the bug costs CI 12 s, not minutes.
    const measured = await measureValidate(manyKeys(40_000), TIME_BOUND_MS + 2_000);
    expect(measured.code).toBe(2);
    expect(measured.ms).toBeLessThan(TIME_BOUND_MS);
  }, 60_000);
});

describe("JSON-patch prototype pollution in kubernetes-job customizations", () => {
  const base = { type: "kubernetes-job", image: "busybox:1.36", command: ["true"] };
  const hostilePatches = [
    [{ op: "add", path: "/__proto__/polluted", value: true }],
    [{ op: "replace", path: "/__proto__/polluted", value: true }],
    [{ op: "add", path: "/constructor/prototype/polluted", value: true }],
    [{ op: "add", path: "/spec/template/__proto__/polluted", value: true }],
    [{ op: "copy", from: "/constructor/constructor", path: "/metadata/x" }],
    [{ op: "move", from: "/__proto__", path: "/metadata/x" }],
    [{ op: "add", path: "/metadata/~1__proto__", value: { polluted: true } }],
    '[{"op": "add", "path": "/__proto__/polluted", "value": true}]',
    "- {op: add, path: /constructor/prototype/polluted, value: true}",
  ];

  it.each(hostilePatches.map((patch) => [JSON.stringify(patch), patch]))(
    "rejects %s through the CLI (exit 2, customizations named)",
    async (_, patch) => {
      const home = await freshHome();
      const result = await cli(["preview", "-"], {
        home,
        input: JSON.stringify({ ...base, customizations: patch }),
      });
      // "/metadata/~1__proto__" is the key "/__proto__" under metadata: plain data, not a prototype.
      if (JSON.stringify(patch).includes("~1__proto__")) {
        expect(result.code).toBe(0);
        expect(result.stdout).toContain("/__proto__");
      } else {
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/\n {2}customizations[.:]/);
      }
      await rm(home, { recursive: true, force: true });
    },
  );

  it("keeps __proto__ keys in patch values and manifests as plain data, polluting nothing", async () => {
    const registry = allTypesRegistry();
    const hostileValue = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}',
    );
    const job = JSON.parse(
      '{"apiVersion":"batch/v1","kind":"Job","metadata":{"labels":{},"__proto__":{"polluted":"yes"}},"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"infrablocks-job","env":[]}]}}}}',
    );
    const block = await resolveBlock(
      registry,
      {
        ...base,
        job,
        customizations: [
          { op: "add", path: "/metadata/annotations", value: hostileValue },
          { op: "copy", from: "/metadata/annotations", path: "/spec/template/metadata" },
        ],
      },
      loadSaved,
    );
    const infrastructure = await loadInfrastructure(block.blockType);
    const preview = await infrastructure.preview(
      block.config as never,
      driverContext({ baseEnvironment: {} }),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
    expect(preview).toContain("__proto__");
  });
});

describe("hostile arguments, names, labels and volumes", () => {
  const marker = join(tmpdir(), `infrablocks-pwned-${process.pid}`);
  const hostileArgs = [
    `$(touch ${marker})`,
    `; touch ${marker}`,
    `\`touch ${marker}\``,
    `| touch ${marker}`,
    `&& touch ${marker}`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion that must stay literal
    "${HOME}",
    "'\"\\",
    "*",
    "a\nb",
    "--help",
    "",
  ];

  it("hands process arguments to the program verbatim through `infrablocks run`, never through a shell", async () => {
    const home = await freshHome();
    const result = await cli(["run", "-"], {
      home,
      input: JSON.stringify({
        type: "process",
        command: [
          process.execPath,
          "-e",
          "process.stdout.write(JSON.stringify(process.argv.slice(1)))",
          ...hostileArgs,
        ],
      }),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(hostileArgs);
    expect(existsSync(marker)).toBe(false);
    await rm(home, { recursive: true, force: true });
  });

  it("previews a process as shell text that a shell reads back into the same arguments", async () => {
    const home = await freshHome();
    const args = fc.sample(
      fc.array(fc.oneof(fc.constantFrom(...hostileArgs), fc.string({ unit: "grapheme", maxLength: 12 })), {
        minLength: 1,
        maxLength: 6,
      }),
      { numRuns: 20, seed: SEED },
    );
    for (const list of args) {
      const command = ["printf", "%s\\0", ...list.filter((arg) => !arg.includes("\0"))];
      const preview = await cli(["preview", "-"], {
        home,
        input: JSON.stringify({ type: "process", command }),
      });
      expect(preview.code).toBe(0);
      const echoed = await new Promise<string>((resolve) => {
        const sh = spawn("sh", ["-c", preview.stdout], { stdio: ["ignore", "pipe", "ignore"] });
        let out = "";
        sh.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
        });
        sh.on("close", () => resolve(out));
      });
      expect(echoed.split("\0").slice(0, -1)).toEqual(command.slice(2));
    }
    expect(existsSync(marker)).toBe(false);
    await rm(home, { recursive: true, force: true });
  });

  it("makes container names safe, keeps labels verbatim as JSON data, and passes absolute volume paths unchanged", async () => {
    const home = await freshHome();
    const result = await cli(["preview", "-"], {
      home,
      input: JSON.stringify({
        type: "docker-container",
        image: "busybox:1.36",
        command: ["true"],
        name: "etl; rm -rf / $(id) `id` | x",
        labels: { "team;$(id)": "a`id`b", "x && y": "'\"" },
        volumes: ["/srv/../etc:/data/../x:ro", "cache:/cache"],
      }),
    });
    expect(result.code).toBe(0);
    const settings = JSON.parse(result.stdout) as {
      name: string;
      create: { Labels: Record<string, string>; HostConfig: { Binds: string[] } };
    };
    expect(settings.name).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/);
    expect(settings.create.Labels).toMatchObject({ "team;$(id)": "a`id`b", "x && y": "'\"" });
    expect(settings.create.HostConfig.Binds).toEqual(["/srv/../etc:/data/../x:ro", "cache:/cache"]);
    await rm(home, { recursive: true, force: true });
  });

  // BUG (reported): a NUL byte in an argument or an env value passes validation (the document is
  // "valid"), and `run` then fails with Node's raw spawn error, exit 1, naming `args[0]` or
  // `options.env['A']` instead of the field path (`command.1`, `env.A`). Expected: INVALID_DOCUMENT,
  // exit 2, naming the field, before anything is spawned (reliability.md S8).
  it("rejects a NUL byte in an argument or env value at validation, naming the field", async () => {
    const home = await freshHome();
    const arg = await cli(["validate", "-"], {
      home,
      input: JSON.stringify({ type: "process", command: ["echo", "a\0b"] }),
    });
    const env = await cli(["validate", "-"], {
      home,
      input: JSON.stringify({ type: "process", command: ["echo"], env: { A: "x\0y" } }),
    });
    expect([arg.code, env.code]).toEqual([2, 2]);
    expect(arg.stderr).toContain("command.1");
    expect(env.stderr).toContain("env.A");
  });

  it.each([
    ["process", { workingDir: "/tmp\0x" }, "workingDir: a path holds no NUL byte"],
    ["docker-container", { user: "ro\0ot" }, "user: holds no NUL byte"],
    ["docker-container", { volumes: ["/tmp/a\0b:/x"] }, "volumes.0: holds no NUL byte"],
    ["docker-container", { networks: ["n\0"] }, "networks.0: holds no NUL byte"],
    ["docker-container", { networkMode: "ho\0st" }, "networkMode: holds no NUL byte"],
    ["kubernetes-job", { image: "busybox\0:1" }, "image: an image reference holds no NUL byte"],
  ])(
    "rejects a NUL byte in a %s path or name the system would refuse at start: %j",
    async (type, fields, problem) => {
      // Docker's engine takes such a user or mount when the container is created, and fails its start.
      const base = type === "docker-container" ? { image: "busybox:1.36" } : {};
      const { code, stderr } = await cli(["validate", "-"], {
        home: await freshHome(),
        input: JSON.stringify({ type, command: ["true"], ...base, ...fields }),
      });
      expect(code).toBe(2);
      expect(stderr).toContain(problem);
    },
  );
});
