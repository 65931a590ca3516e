import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";

const doc = (command: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: "process", command, ...extra });

/** A kubernetes-job document that exercises every check: an inline cluster config, labels, a patch as text. */
const KUBERNETES_JOB = {
  type: "kubernetes-job",
  image: "busybox:1.36",
  command: ["echo", "hi"],
  labels: { "example.com/purpose": "test" },
  customizations: '[{"op": "add", "path": "/spec/activeDeadlineSeconds", "value": 600}]',
  clusterConfig: {
    type: "kubernetes-cluster-config",
    config: {
      apiVersion: "v1",
      "current-context": "test",
      clusters: [{ name: "test", cluster: { server: "https://127.0.0.1:6443" } }],
      users: [{ name: "test", user: { token: "t0ken" } }],
      contexts: [{ name: "test", context: { cluster: "test", user: "test" } }],
    },
  },
};

describe("infrablocks run", () => {
  it("runs the README's example, printing its output, exiting 0", async () => {
    const result = await cli(["run", "examples/hello-process.yaml"], { home: await freshHome() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^hello from infrablocks in \/.*infrablocks-/);
    expect(result.stderr).toContain("progress goes to stderr");
    expect(result.stderr).toMatch(/Started process [^:]+:[0-9]+/);
  });

  it("exits with the run's status code", async () => {
    const result = await cli(["run", "-"], { home: await freshHome(), input: doc(["sh", "-c", "exit 42"]) });
    expect(result.code).toBe(42);
  });

  it("runs with a relative INFRABLOCKS_HOME, taken from the current folder (the supervisor works elsewhere)", async () => {
    const folder = await freshHome();
    const result = await cli(["run", "-", "--run-id", "relative"], {
      home: "relative-home",
      cwd: folder,
      input: doc(["sh", "-c", "echo one; exit 3"]),
    });
    expect(result.stderr).not.toContain("could not record");
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toBe("one\n");
    expect(existsSync(join(folder, "relative-home/state/process"))).toBe(true);
  });

  it("exits 128+N when a signal N ended the process", async () => {
    const result = await cli(["run", "-"], {
      home: await freshHome(),
      input: doc(["sh", "-c", "kill -KILL $$"]),
    });
    expect(result.code).toBe(137);
    expect(result.stderr).toContain("status code -9");
  });

  it("with --json, prints only started and exited events on stdout", async () => {
    const result = await cli(["run", "--json", "-"], {
      home: await freshHome(),
      input: doc(["sh", "-c", "echo to-stderr-now; exit 3"]),
    });
    expect(result.code).toBe(3);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual({
      event: "started",
      identifier: expect.stringMatching(/:[0-9]+$/),
      runId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(events[1]).toEqual({
      event: "exited",
      identifier: events[0].identifier,
      runId: events[0].runId,
      statusCode: 3,
    });
    expect(result.stderr).toContain("to-stderr-now");
  });

  it("exits 127 when the executable is missing, 2 for an empty command", async () => {
    const home = await freshHome();
    const missing = await cli(["run", "-"], { home, input: doc(["no-such-binary-ib"]) });
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain("no-such-binary-ib");
    const empty = await cli(["run", "-"], { home, input: JSON.stringify({ type: "process", command: [] }) });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("command");
    const none = await cli(["run", "-"], { home, input: JSON.stringify({ type: "process" }) });
    expect(none.code).toBe(2);
  });

  it.each([
    ["Ctrl-C (SIGINT)", "SIGINT", 130],
    ["a terminal hang-up (SIGHUP)", "SIGHUP", 129],
  ] as const)(
    "stops the run on %s with the grace period, leaving nothing running",
    async (_, signal, exitCode) => {
      const home = await freshHome();
      const pidFile = join(home, "pid");
      let started!: () => void;
      const startedPromise = new Promise<void>((resolve) => (started = resolve));
      const run = cli(["run", "--grace", "2", "-"], {
        home,
        input: doc(["sh", "-c", `echo $$ > ${pidFile}; exec sleep 60`]),
        onStderr: (text) => text.includes("Started process") && started(),
      });
      await startedPromise;
      // "Started" can come before the shell has written its pid: the signal is for a running command.
      while (!existsSync(pidFile)) await sleep(10);
      run.child.kill(signal);
      const result = await run;
      expect(result.code).toBe(exitCode);
      const pid = Number(await readFile(pidFile, "utf8"));
      expect(() => process.kill(pid, 0)).toThrow();
    },
  );

  /**
   * Every module the CLI loads for `args`: CommonJS files from `require.cache` and Node's own modules from
   * `process.moduleLoadList` ("NativeModule http") as it exits (recorded by a `--require`d script), ES
   * modules by a loader hook.
   */
  async function loadedModules(args: string[], { succeeds = true } = {}): Promise<string> {
    const home = await freshHome();
    const log = join(home, "modules.log");
    const recordRequired = join(home, "record-required.cjs");
    await writeFile(
      recordRequired,
      `const { appendFileSync } = require("node:fs");\nprocess.on("exit", () => appendFileSync(${JSON.stringify(log)}, [...Object.keys(require.cache), ...process.moduleLoadList].join("\\n") + "\\n"));\n`,
    );
    const hooks = join(home, "hooks.mjs");
    await writeFile(
      hooks,
      `import { appendFileSync } from "node:fs";\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(log)}, url + "\\n");\n  return next(url, context);\n}\n`,
    );
    const register = join(home, "register.mjs");
    await writeFile(
      register,
      `import { register } from "node:module";\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
    );
    const result = await cli(args, {
      home,
      env: { NODE_OPTIONS: `--require ${recordRequired} --import ${register}` },
    });
    if (succeeds) expect(result.code).toBe(0);
    return readFile(log, "utf8");
  }

  it("sees the Kubernetes SDK and zod when a run loads them", async () => {
    // No API server listens there: the run fails, after loading the driver to reach it.
    const document = join(await freshHome(), "job.json");
    await writeFile(document, JSON.stringify(KUBERNETES_JOB));
    const loaded = await loadedModules(["run", document], { succeeds: false });
    expect(loaded).toMatch(/@kubernetes\/client-node/);
    expect(loaded).toContain("core/dist/index.cjs");
  });

  it("never loads the Docker or Kubernetes SDKs for a process run", async () => {
    const loaded = await loadedModules(["run", "examples/hello-process.yaml"]);
    expect(loaded).toContain("infra-process");
    expect(loaded).not.toMatch(/dockerode|docker-modem|@kubernetes|client-node/);
    expect(loaded).not.toMatch(/infra-docker|infra-kubernetes|docker-registry/);
    // Nor zod: the document is checked with the driver's check entry, and the runtime imports core's zod-free entry.
    expect(loaded).toContain("infra-process/dist/check.cjs");
    expect(loaded).not.toMatch(/core\/dist\/index\.cjs|infra-process\/dist\/index\.cjs/);
    // Nor the yaml library: the document is plain YAML (core's plain-yaml.ts); nor OpenSSL, for the run id.
    expect(loaded).not.toContain("core/dist/yaml-library.cjs");
    expect(loaded).not.toMatch(/NativeModule internal\/crypto/);
    // Nor node:fs/promises (1.4 ms) or the recursive removal (0.6 ms): the run's files are few and local.
    expect(loaded).not.toMatch(/NativeModule (fs\/promises|internal\/fs\/rimraf)\n/);
  });

  it("loads the yaml library for a document that is not plain YAML", async () => {
    const document = join(await freshHome(), "block-scalar.yaml");
    await writeFile(document, "type: process\ncommand:\n  - sh\n  - -c\n  - |\n    echo one\n    echo two\n");
    const loaded = await loadedModules(["validate", document]);
    expect(loaded).toContain("core/dist/yaml-library.cjs");
  });

  it("previews a docker-container document without zod or dockerode", async () => {
    const loaded = await loadedModules(["preview", "bench/fixtures/docker.yaml"]);
    expect(loaded).toContain("infra-docker/dist/check.cjs");
    // Nor Node's HTTP, TLS, crypto or child processes: a preview contacts no engine and no credential
    // helper; nor node:fs/promises, as it reads one file and touches no store.
    expect(loaded).toContain("NativeModule fs");
    expect(loaded).not.toMatch(/NativeModule (https?|tls|crypto|child_process|fs\/promises)\n/);
    expect(loaded).not.toMatch(
      /dockerode|core\/dist\/index\.cjs|infra-docker\/dist\/index\.cjs|docker-registry\/dist\/index\.cjs|yaml-library/,
    );
  });

  it.each(["validate", "preview"])(
    "%ss a kubernetes-job document without zod or the Kubernetes SDK",
    async (command) => {
      const document = join(await freshHome(), "job.json");
      await writeFile(document, JSON.stringify(KUBERNETES_JOB));
      const loaded = await loadedModules([command, document]);
      expect(loaded).toContain("infra-kubernetes/dist/check.cjs");
      expect(loaded).not.toMatch(/zod|client-node|core\/dist\/index\.cjs|infra-kubernetes\/dist\/index\.cjs/);
    },
  );
});
