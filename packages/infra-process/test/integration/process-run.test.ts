import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, openSync } from "node:fs";
import { mkdtemp, readFile, realpath } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { driverContext, isInfrablocksError } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { capture, processBlock, processInfrastructure } from "./run-support.js";

describe("process run", () => {
  it("streams stdout and stderr to their own streams and returns the exit status", async () => {
    const infrastructure = await processInfrastructure();
    const run = capture();
    const config = await processBlock({ command: ["sh", "-c", "echo out; echo err >&2; exit 7"] });
    const result = await infrastructure.run(config, run.context);
    expect(result.statusCode).toBe(7);
    expect(run.stdout()).toBe("out\n");
    expect(run.stderr()).toBe("err\n");
    expect(run.started).toEqual([result.identifier]);
    expect(result.identifier).toMatch(new RegExp(`^${hostname()}:[0-9]+$`));
  });

  it("reports the identifier before the run returns", async () => {
    const infrastructure = await processInfrastructure();
    let startedWhileRunning = false;
    let finished = false;
    const run = capture({ onStarted: () => (startedWhileRunning = !finished) });
    await infrastructure.run(await processBlock({ command: ["sleep", "0.2"] }), run.context);
    finished = true;
    expect(startedWhileRunning).toBe(true);
  });

  it("reports a signal as a negative status code with a hint", async () => {
    const infrastructure = await processInfrastructure();
    const result = await infrastructure.run(
      await processBlock({ command: ["sh", "-c", "kill -TERM $$"] }),
      capture().context,
    );
    expect(result.statusCode).toBe(-15);
    expect(result.signal).toBe(15);
    expect(result.message).toMatch(/SIGTERM/);
  });

  it("layers OS env < INFRABLOCKS_* base env < block env, and null unsets", async () => {
    process.env.IB_TEST_INHERITED = "from-os";
    process.env.IB_TEST_REMOVED = "should-vanish";
    const infrastructure = await processInfrastructure();
    const run = capture({ baseEnvironment: { INFRABLOCKS_A: "base", INFRABLOCKS_B: "base" } });
    const config = await processBlock({
      command: [
        "sh",
        "-c",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
        'echo "$IB_TEST_INHERITED|$INFRABLOCKS_A|$INFRABLOCKS_B|${IB_TEST_REMOVED-unset}"',
      ],
      env: { INFRABLOCKS_B: "block", IB_TEST_REMOVED: null },
    });
    await infrastructure.run(config, run.context);
    expect(run.stdout()).toBe("from-os|base|block|unset\n");
  });

  it("never passes on INFRABLOCKS_HOME or INFRABLOCKS_DEBUG, supervised or not", async () => {
    const saved = { home: process.env.INFRABLOCKS_HOME, debug: process.env.INFRABLOCKS_DEBUG };
    process.env.INFRABLOCKS_HOME = "/tmp/ib-home-must-not-leak";
    process.env.INFRABLOCKS_DEBUG = "1";
    try {
      const infrastructure = await processInfrastructure();
      const config = await processBlock({
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
        command: ["sh", "-c", 'echo "${INFRABLOCKS_HOME-unset}|${INFRABLOCKS_DEBUG-unset}"'],
      });
      const bare = capture();
      await infrastructure.run(config, bare.context);
      expect(bare.stdout()).toBe("unset|unset\n");
      const supervised = capture({ stateFolder: await mkdtemp(join(tmpdir(), "ib-env-")) });
      await infrastructure.run(config, supervised.context);
      expect(supervised.stdout()).toBe("unset|unset\n");
    } finally {
      for (const [name, value] of [
        ["INFRABLOCKS_HOME", saved.home],
        ["INFRABLOCKS_DEBUG", saved.debug],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("passes arguments verbatim, never through a shell", async () => {
    const infrastructure = await processInfrastructure();
    const run = capture();
    const hostile = ["$(touch /tmp/ib-pwned)", "a b", "'; rm -rf /", "*"];
    await infrastructure.run(await processBlock({ command: ["printf", "%s\\n", ...hostile] }), run.context);
    expect(run.stdout()).toBe(`${hostile.join("\n")}\n`);
    expect(existsSync("/tmp/ib-pwned")).toBe(false);
  });

  it("starts in a fresh temporary directory and removes it afterwards", async () => {
    const infrastructure = await processInfrastructure();
    const run = capture();
    await infrastructure.run(await processBlock({ command: ["pwd"] }), run.context);
    const directory = run.stdout().trim();
    expect(directory.startsWith(await realpath(tmpdir()))).toBe(true);
    expect(existsSync(directory)).toBe(false);
  });

  it("starts in workingDir when given, and leaves it in place", async () => {
    const folder = await realpath(await mkdtemp(join(tmpdir(), "ib-workdir-")));
    const infrastructure = await processInfrastructure();
    const run = capture();
    await infrastructure.run(await processBlock({ command: ["pwd"], workingDir: folder }), run.context);
    expect(run.stdout().trim()).toBe(folder);
    expect(existsSync(folder)).toBe(true);
  });

  it("refuses a workingDir holding a NUL byte when validating, not when starting", async () => {
    await expect(processBlock({ command: ["pwd"], workingDir: "/tmp\0x" })).rejects.toThrow(
      "workingDir: a path holds no NUL byte",
    );
  });

  it("fails at once, naming the field, when the executable does not exist", async () => {
    const infrastructure = await processInfrastructure();
    const error = await infrastructure
      .run(await processBlock({ command: ["no-such-executable-ib"] }), capture().context)
      .catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "EXECUTABLE_NOT_FOUND")).toBe(true);
    expect((error as Error).message).toContain("command.0");
  });

  it("refuses to run without a command", async () => {
    const infrastructure = await processInfrastructure();
    const error = await infrastructure
      .run(await processBlock({}), capture().context)
      .catch((caught) => caught);
    expect(isInfrablocksError(error, "EMPTY_COMMAND")).toBe(true);
  });

  it("hands a destination with a file descriptor straight to the process", async () => {
    const folder = await mkdtemp(join(tmpdir(), "ib-fd-"));
    const outPath = join(folder, "out.txt");
    const errPath = join(folder, "err.txt");
    const stdout = createWriteStream("", { fd: openSync(outPath, "w") });
    const stderr = createWriteStream("", { fd: openSync(errPath, "w") });
    const infrastructure = await processInfrastructure();
    const run = capture({ stdout, stderr });
    const result = await infrastructure.run(
      await processBlock({ command: ["sh", "-c", "echo to-out; echo to-err >&2; exit 4"] }),
      run.context,
    );
    await Promise.all([new Promise((done) => stdout.end(done)), new Promise((done) => stderr.end(done))]);
    expect(result.statusCode).toBe(4);
    expect(await readFile(outPath, "utf8")).toBe("to-out\n");
    expect(await readFile(errPath, "utf8")).toBe("to-err\n");
  });

  it("discards output when streamOutput is false", async () => {
    const infrastructure = await processInfrastructure();
    const run = capture();
    const result = await infrastructure.run(
      await processBlock({ command: ["sh", "-c", "echo hidden; echo hidden >&2"], streamOutput: false }),
      run.context,
    );
    expect(result.statusCode).toBe(0);
    expect(run.stdout() + run.stderr()).toBe("");
  });

  it("runs 100 blocks at once with every status and every byte intact", async () => {
    const infrastructure = await processInfrastructure();
    const runs = Array.from({ length: 100 }, (_, index) => index);
    const results = await Promise.all(
      runs.map(async (index) => {
        const run = capture();
        // 20,000 lines of 8+ bytes each: larger than a pipe buffer, so backpressure is exercised.
        const script = `i=0; while [ $i -lt 2000 ]; do echo "run-${index}-$i"; i=$((i+1)); done; echo "err-${index}" >&2; exit ${index % 256}`;
        const result = await infrastructure.run(
          await processBlock({ command: ["sh", "-c", script] }),
          run.context,
        );
        return { index, result, stdout: run.stdout(), stderr: run.stderr() };
      }),
    );
    for (const { index, result, stdout, stderr } of results) {
      expect(result.statusCode).toBe(index % 256);
      const expected = Array.from({ length: 2000 }, (_, line) => `run-${index}-${line}\n`).join("");
      expect(stdout).toBe(expected);
      expect(stderr).toBe(`err-${index}\n`);
    }
  }, 120_000);
});

describe("process preview", () => {
  it("shows the block's environment and the quoted command, never the OS environment, secrets masked", async () => {
    process.env.IB_TEST_OS_ONLY = "os-value";
    const infrastructure = await processInfrastructure();
    const config = await processBlock({
      command: ["echo", "two words"],
      env: { API_TOKEN: "s3cr3t-value", PLAIN: "shown", GONE: null },
    });
    const text = await infrastructure.preview(
      config,
      driverContext({
        baseEnvironment: { INFRABLOCKS_API_KEY: "k3y-value" },
      }),
    );
    expect(text).toBe(
      "INFRABLOCKS_API_KEY='********' \\\nAPI_TOKEN='********' \\\nPLAIN=shown \\\necho 'two words'",
    );
    expect(text).not.toContain("os-value");
  });

  it("is shell text a shell runs, with env names the shell cannot assign passed through env", async () => {
    const infrastructure = await processInfrastructure();
    const config = await processBlock({ command: ["env"], env: { VÄR: "ü ö", PLAIN: "it's" } });
    const text = await infrastructure.preview(config, driverContext({ baseEnvironment: {} }));
    expect(text).toBe(`env \\\n'VÄR=ü ö' \\\nPLAIN='it'"'"'s' \\\nenv`);
    const printed = spawnSync("/bin/sh", ["-c", text], { encoding: "utf8" }).stdout.split("\n");
    expect(printed).toContain("VÄR=ü ö");
    expect(printed).toContain("PLAIN=it's");
  });
});
