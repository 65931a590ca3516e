import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isInfrablocksError, killContext } from "@infrablocks/core";
import { RunRegistry } from "../../src/run-registry.js";
import { supervisorChoice } from "../../src/supervised-run.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capture, processBlock, processInfrastructure, quietLog } from "./run-support.js";

/** A state folder's run registry: runs given a state folder are supervised, as the CLI runs them. */
async function registry(): Promise<RunRegistry> {
  return new RunRegistry(await mkdtemp(join(tmpdir(), "ib-supervised-")));
}

const NATIVE_SUPERVISOR = join(import.meta.dirname, "../../dist/supervisor");

/** The program of a process's parent (its supervisor), as the kernel knows it. */
function parentProgram(pid: string): string {
  const ppid = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1];
  return realpathSync(`/proc/${ppid}/exe`);
}

// Both supervisors behave alike: the native one (built by the package's build) and the Node one, the
// fallback where no C compiler built it.
describe.each([
  ["native", realpathSync(NATIVE_SUPERVISOR)],
  ["node", realpathSync(process.execPath)],
] as const)("process runs given a state folder, under the %s supervisor", (kind, program) => {
  beforeAll(() => {
    supervisorChoice.kind = kind === "native" ? "native-if-built" : "node";
  });
  afterAll(() => {
    supervisorChoice.kind = "native-if-built";
  });

  it("pass arguments verbatim through the supervisor, never through a shell's parsing", async () => {
    const runs = await registry();
    const workingDir = await mkdtemp(join(tmpdir(), "ib-quoting-"));
    const run = capture({ stateFolder: runs.folder });
    const tricky = ["a b", "$(touch pwned)", "'q'\"", "*", "$INFRABLOCKS_RUN_ID", "", "-n"];
    const result = await (await processInfrastructure()).run(
      await processBlock({ command: ["printf", "[%s]", ...tricky], workingDir }),
      run.context,
    );
    expect(result.statusCode).toBe(0);
    expect(run.stdout()).toBe(tricky.map((argument) => `[${argument}]`).join(""));
    expect(existsSync(join(workingDir, "pwned"))).toBe(false);
    // The runner removed the run's folder once it ended normally.
    expect(await readdir(runs.folder)).toEqual([]);
  });

  it("keep stdout and stderr apart and report exit codes and signals as bare runs do", async () => {
    const runs = await registry();
    const infrastructure = await processInfrastructure();
    const run = capture({ stateFolder: runs.folder });
    const failed = await infrastructure.run(
      await processBlock({ command: ["sh", "-c", "echo out; echo err >&2; exit 3"] }),
      run.context,
    );
    expect(failed).toMatchObject({ statusCode: 3 });
    expect(run.stdout()).toBe("out\n");
    expect(run.stderr()).toBe("err\n");
    const killed = await infrastructure.run(
      await processBlock({ command: ["sh", "-c", "kill -KILL $$"] }),
      capture({ stateFolder: runs.folder }).context,
    );
    expect(killed).toMatchObject({ statusCode: -9, signal: 9, message: expect.stringContaining("SIGKILL") });
    const memory = await infrastructure.run(
      await processBlock({ command: ["sh", "-c", "exit 247"] }),
      capture({ stateFolder: runs.folder }).context,
    );
    expect(memory.statusCode).toBe(247);
  });

  it("report a missing executable before starting anything, as bare runs do", async () => {
    const runs = await registry();
    const error = await (await processInfrastructure())
      .run(
        await processBlock({ command: ["no-such-binary-ib"] }),
        capture({ stateFolder: runs.folder }).context,
      )
      .catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "EXECUTABLE_NOT_FOUND")).toBe(true);
    expect((error as Error).message).toContain("no-such-binary-ib");
  });

  it("are killed as a whole process group, the exit recorded by the supervisor", async () => {
    const runs = await registry();
    const infrastructure = await processInfrastructure();
    const block = await processBlock({
      command: ["sh", "-c", "trap 'echo stopping; exit 7' TERM; while :; do sleep 0.1; done"],
    });
    let killed: Promise<void> | undefined;
    const run = capture({
      stateFolder: runs.folder,
      onStarted: (identifier) => {
        killed = infrastructure.kill(block, identifier, killContext({ log: quietLog, graceSeconds: 10 }));
      },
    });
    const result = await infrastructure.run(block, run.context);
    await killed;
    expect(result.statusCode).toBe(7);
    expect(run.stdout()).toBe("stopping\n");
  });

  it("are listed while they run, with a live runner", async () => {
    const runs = await registry();
    const infrastructure = await processInfrastructure();
    let listed: unknown;
    const run = capture({
      stateFolder: runs.folder,
      onStarted: () => {
        listed = infrastructure.listRuns?.(undefined, {
          log: quietLog,
          baseEnvironment: {},
          redact: (text) => text,
          stateFolder: runs.folder,
        });
      },
    });
    const result = await infrastructure.run(await processBlock({ command: ["sleep", "0.5"] }), run.context);
    expect(await listed).toEqual([
      expect.objectContaining({
        runId: run.context.runId,
        identifier: result.identifier,
        runnerAlive: "yes",
      }),
    ]);
  });

  it("are identified by the command's own pid, with default signal dispositions", async () => {
    const runs = await registry();
    const infrastructure = await processInfrastructure();
    let seen: { cmdline: string; ignored: string; blocked: string; supervisor: string } | undefined;
    const run = capture({
      stateFolder: runs.folder,
      onStarted: (identifier) => {
        const pid = identifier.slice(identifier.lastIndexOf(":") + 1);
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        seen = {
          cmdline: readFileSync(`/proc/${pid}/cmdline`, "utf8"),
          ignored: /^SigIgn:\s*(\S+)/m.exec(status)?.[1] ?? "",
          blocked: /^SigBlk:\s*(\S+)/m.exec(status)?.[1] ?? "",
          supervisor: parentProgram(pid),
        };
      },
    });
    const result = await infrastructure.run(await processBlock({ command: ["sleep", "0.5"] }), run.context);
    expect(result.statusCode).toBe(0);
    expect(seen?.cmdline).toBe("sleep\x000.5\x00");
    // No signal ignored or blocked: a SIGINT ignored by a background shell must not reach the command.
    expect(seen?.ignored).toBe("0000000000000000");
    expect(seen?.blocked).toBe("0000000000000000");
    // And the supervisor is the one this block tests.
    expect(seen?.supervisor).toBe(program);
  });

  it("end with status -15 when the identifier's pid gets SIGTERM by hand", async () => {
    const runs = await registry();
    const infrastructure = await processInfrastructure();
    const run = capture({
      stateFolder: runs.folder,
      onStarted: (identifier) =>
        process.kill(Number(identifier.slice(identifier.lastIndexOf(":") + 1)), "SIGTERM"),
    });
    const result = await infrastructure.run(await processBlock({ command: ["sleep", "30"] }), run.context);
    expect(result).toMatchObject({ statusCode: -15, signal: 15 });
  });

  it("keep at most outputTailBytes of output on disk while every byte reaches the runner", async () => {
    const runs = await registry();
    const run = capture({ stateFolder: runs.folder });
    const cap = 64 * 1024;
    const bytes = 32 * 1024 * 1024;
    let largest = 0;
    const sampler = setInterval(() => {
      const folder = runs.runFolder(run.context.runId);
      const names = existsSync(folder) ? readdirSync(folder) : [];
      const used = names
        .filter((name) => /^std(out|err)/.test(name))
        .reduce((sum, name) => sum + (statSync(join(folder, name), { throwIfNoEntry: false })?.size ?? 0), 0);
      largest = Math.max(largest, used);
    }, 5);
    try {
      const result = await (await processInfrastructure()).run(
        // The pause after the output keeps the run, and its tail files, there until the last batch is on
        // disk: on a busy machine the sampler could otherwise miss every batch (largest stayed 0).
        await processBlock({
          command: ["sh", "-c", `head -c ${bytes} /dev/zero; sleep 0.5`],
          outputTailBytes: cap,
        }),
        run.context,
      );
      expect(result.statusCode).toBe(0);
    } finally {
      clearInterval(sampler);
    }
    expect(run.stdout().length).toBe(bytes);
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(cap);
  });

  it("look the executable up on the PATH of the command's own environment, and word spawn failures", async () => {
    const runs = await registry();
    const infrastructure = await processInfrastructure();
    const bin = await mkdtemp(join(tmpdir(), "ib-path-"));
    writeFileSync(join(bin, "ib-own-tool"), '#!/bin/sh\necho found "$@"\n', { mode: 0o755 });
    writeFileSync(join(bin, "ib-not-executable"), "#!/bin/sh\n", { mode: 0o644 });
    chmodSync(join(bin, "ib-not-executable"), 0o644);
    const found = capture({ stateFolder: runs.folder });
    const result = await infrastructure.run(
      await processBlock({ command: ["ib-own-tool", "x"], env: { PATH: `${bin}:/usr/bin:/bin` } }),
      found.context,
    );
    expect(result.statusCode).toBe(0);
    expect(found.stdout(), found.stderr()).toBe("found x\n");
    // A script without a #! line runs with /bin/sh, as execvp runs it.
    writeFileSync(join(bin, "ib-plain-script"), "echo plain\n", { mode: 0o755 });
    const plain = capture({ stateFolder: runs.folder });
    await infrastructure.run(
      await processBlock({ command: ["ib-plain-script"], env: { PATH: bin } }),
      plain.context,
    );
    expect(plain.stdout()).toBe("plain\n");
    const failure = async (document: Record<string, unknown>) =>
      infrastructure
        .run(await processBlock(document), capture({ stateFolder: runs.folder }).context)
        .catch((caught: unknown) => caught as Error);
    const missing = await failure({ command: ["ib-own-tool"] });
    expect(isInfrablocksError(missing, "EXECUTABLE_NOT_FOUND")).toBe(true);
    expect(missing.message).toContain("command.0: executable 'ib-own-tool' was not found on PATH.");
    const byPath = await failure({ command: [join(bin, "nothing-here")] });
    expect(byPath.message).toContain(`command.0: executable '${join(bin, "nothing-here")}' was not found.`);
    const denied = await failure({ command: [join(bin, "ib-not-executable")] });
    expect(isInfrablocksError(denied, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect(denied.message).toContain("permission denied (is it executable?)");
    const deniedOnPath = await failure({ command: ["ib-not-executable"], env: { PATH: bin } });
    expect(deniedOnPath.message).toContain("permission denied");
    // Nothing of the failed runs is left in the registry.
    expect(await readdir(runs.folder)).toEqual([]);
  });

  it("fail with the supervisor's reason when it cannot record the exit, rather than report a status of its own", async () => {
    const runs = await registry();
    const run = capture({
      stateFolder: runs.folder,
      // A folder where the exit's temporary file goes: its write fails, as on a full disk.
      onStarted: () => mkdirSync(join(runs.runFolder(run.context.runId), "exit.json.tmp")),
    });
    const error = await (await processInfrastructure())
      .run(await processBlock({ command: ["sh", "-c", "sleep 0.2; exit 3"] }), run.context)
      .then(
        (result) => result,
        (caught: unknown) => caught as Error,
      );
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR"), JSON.stringify(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /The supervisor of process \d+ failed, so its exit status is unknown: .*exit\.json/,
    );
    expect(await readdir(runs.folder)).toEqual([]);
  });

  it("record the exit of a run whose output is not wanted", async () => {
    const runs = await registry();
    const run = capture({ stateFolder: runs.folder });
    const result = await (await processInfrastructure()).run(
      await processBlock({ command: ["sh", "-c", "echo hidden; exit 4"], streamOutput: false }),
      run.context,
    );
    expect(result.statusCode).toBe(4);
    expect(run.stdout()).toBe("");
  });

  it("keep the tail on disk while the run goes on, for attach", async () => {
    const runs = await registry();
    let tail = "";
    const run = capture({
      stateFolder: runs.folder,
      onStarted: () => {
        const file = join(runs.runFolder(run.context.runId), "stdout");
        setTimeout(() => {
          tail = readFileSync(file, "utf8");
        }, 600);
      },
    });
    const result = await (await processInfrastructure()).run(
      await processBlock({ command: ["sh", "-c", "echo early; sleep 1; echo late"] }),
      run.context,
    );
    expect(result.statusCode).toBe(0);
    expect(tail).toBe("early\n");
    expect(run.stdout()).toBe("early\nlate\n");
  });
});

describe("the native supervisor, where it cannot run", () => {
  afterAll(() => {
    supervisorChoice.native = NATIVE_SUPERVISOR;
  });

  it("gives way to the Node one, saying once what to do, whatever is wrong with it", async () => {
    const folder = await mkdtemp(join(tmpdir(), "ib-broken-native-"));
    // Each with how the warning says it ended (a pattern).
    const broken: Record<string, [string, string]> = {
      // Ends before its first word (`ready`): at once, or once it has read, or of a signal.
      exits: ["#!/bin/sh\nexit 1\n", "exit status 1"],
      // As a binary built against another libc: the kernel finds no loader, and the exec says ENOENT.
      "needs a missing loader": ["#!/no/such/loader\n", "spawn ENOENT"],
      "reads, then dies": ["#!/bin/sh\nhead -c 1 <&3 >/dev/null\nkill -KILL $$\n", "SIGKILL"],
      // Not a program for this machine: the exec fails, and a shell tries it as a script.
      "not a program": [`\x7fELF${"\x00".repeat(Math.floor(Math.random() * 64))}garbage`, "exit status \\d+"],
    };
    for (const [name, [text, how]] of Object.entries(broken)) {
      const path = join(folder, name.replaceAll(" ", "-"));
      writeFileSync(path, text, { mode: 0o755 });
      supervisorChoice.native = path;
      for (let attempt = 0; attempt < 2; attempt++) {
        const runs = await registry();
        const warnings: string[] = [];
        const run = capture({
          stateFolder: runs.folder,
          log: { ...quietLog, warn: (message: string) => warnings.push(message) },
        });
        const result = await (await processInfrastructure()).run(
          await processBlock({ command: ["sh", "-c", "echo ran; exit 5"] }),
          run.context,
        );
        expect(result.statusCode, name).toBe(5);
        expect(run.stdout(), name).toBe("ran\n");
        // Said on the first run only: the next ones go to the Node supervisor at once.
        expect(warnings.length, name).toBe(attempt === 0 ? 1 : 0);
        if (attempt === 0) expect(warnings[0]).toContain(`${path} did not start`);
        if (attempt === 0) expect(warnings[0]).toMatch(new RegExp(`did not start \\(${how}\\)`));
        if (attempt === 0) expect(warnings[0]).toContain("pnpm rebuild @infrablocks/infra-process");
      }
    }
  });

  it("does not run the command again when the native one ends after its first word, unanswered", async () => {
    const folder = await mkdtemp(join(tmpdir(), "ib-dying-native-"));
    const path = join(folder, "supervisor");
    // Running, as its first word says: it could have started the command before it died.
    writeFileSync(
      path,
      `#!/bin/sh\necho '{"event":"ready"}' >&3\nhead -c 1 <&3 >/dev/null\nkill -KILL $$\n`,
      {
        mode: 0o755,
      },
    );
    supervisorChoice.native = path;
    const runs = await registry();
    const marker = join(folder, "ran");
    const warnings: string[] = [];
    const run = capture({
      stateFolder: runs.folder,
      log: { ...quietLog, warn: (message: string) => warnings.push(message) },
    });
    const error = await (await processInfrastructure())
      .run(await processBlock({ command: ["sh", "-c", `echo ran >> ${marker}`] }), run.context)
      .catch((caught: unknown) => caught as Error);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR"), String(error)).toBe(true);
    expect(error.message).toContain(
      "ended before saying whether it started the command, which was not run again",
    );
    expect(existsSync(marker)).toBe(false);
    expect(warnings).toEqual([]);
    expect(await readdir(runs.folder)).toEqual([]);
  });

  it("fails the run, and the runner lives on, when it answers what is no event", async () => {
    const path = join(await mkdtemp(join(tmpdir(), "ib-babbling-native-")), "supervisor");
    // It lingers: one that ends at once, its request unread, resets the channel, and its line is lost
    // (then it did not start, and the Node supervisor takes the run).
    writeFileSync(path, "#!/bin/sh\necho 'Segmentation fault' >&3\nsleep 0.3\n", { mode: 0o755 });
    supervisorChoice.native = path;
    const runs = await registry();
    const error = await (await processInfrastructure())
      .run(await processBlock({ command: ["true"] }), capture({ stateFolder: runs.folder }).context)
      .catch((caught: unknown) => caught as Error);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR"), String(error)).toBe(true);
    expect(error.message).toContain('"Segmentation fault" on its channel, which is no event');
    expect(await readdir(runs.folder)).toEqual([]);
  });
});
