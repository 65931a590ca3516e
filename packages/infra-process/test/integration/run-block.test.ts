// The one-call library run (`runBlock`, `previewBlock`, `killBlock` from core) with the real process
// driver: core cannot depend on a driver, so its real runs are tested here.
import { hostname } from "node:os";
import { PassThrough } from "node:stream";
import {
  type BlockConfigOf,
  isInfrablocksError,
  killBlock,
  MASK,
  newRunId,
  previewBlock,
  type RunResult,
  runBlock,
} from "@infrablocks/core";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type ProcessBlock, type ProcessBlockInput, processBlockType } from "../../src/index.js";
import { quietLog } from "./run-support.js";

/** Output streams that keep what they receive, as text. */
function captured() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
  return { stdout, stderr, out: () => out, err: () => err };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: Error) => error,
  );
}

describe("ProcessBlockInput", () => {
  it("is what a user writes: defaulted fields and the type optional", () => {
    const written: ProcessBlockInput = { type: "process", command: ["echo"] };
    const untyped: ProcessBlockInput = { command: ["echo"] };
    expectTypeOf<ProcessBlockInput["streamOutput"]>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<ProcessBlockInput["env"]>().toEqualTypeOf<Record<string, string | null> | undefined>();
    // The parsed config, by contrast, has every default filled in.
    expectTypeOf<ProcessBlock>().toEqualTypeOf<BlockConfigOf<typeof processBlockType>>();
    expectTypeOf<ProcessBlock["streamOutput"]>().toEqualTypeOf<boolean>();
    // @ts-expect-error the parsed type requires the defaulted fields: it is not for authoring
    const parsed: ProcessBlock = { type: "process", command: ["echo"] };
    expect([written, untyped, parsed]).toHaveLength(3);
  });

  it("types runBlock's input by its block type", () => {
    expectTypeOf(runBlock<typeof processBlockType>)
      .parameter(1)
      .toEqualTypeOf<ProcessBlockInput>();
    expectTypeOf(runBlock<typeof processBlockType>).returns.toEqualTypeOf<Promise<RunResult>>();
    // @ts-expect-error an unknown field is caught at compile time too
    const misspelt = () => runBlock(processBlockType, { comand: ["echo"] });
    // @ts-expect-error a command is a list of arguments, not a shell string
    const shellText = () => runBlock(processBlockType, { command: "echo hi" });
    expect([misspelt, shellText]).toHaveLength(2);
  });
});

describe("runBlock", () => {
  it("runs a process block in one call, streaming its output to the streams given", async () => {
    const output = captured();
    const started: string[] = [];
    const result = await runBlock(
      processBlockType,
      { command: ["sh", "-c", "echo out; echo err >&2; exit 3"] },
      { stdout: output.stdout, stderr: output.stderr, onStarted: (id) => started.push(id) },
    );
    expect(result.statusCode).toBe(3);
    expect(result.identifier).toMatch(new RegExp(`^${hostname()}:[0-9]+$`));
    expect(started).toEqual([result.identifier]);
    expect(output.out()).toBe("out\n");
    expect(output.err()).toBe("err\n");
  });

  it("gives the run a fresh run id and the caller's INFRABLOCKS_* variables, unless told otherwise", async () => {
    const script = 'echo "$INFRABLOCKS_RUN_ID $INFRABLOCKS_GREETING"';
    process.env.INFRABLOCKS_GREETING = "from-the-caller";
    try {
      const fresh = captured();
      await runBlock(processBlockType, { command: ["sh", "-c", script] }, { stdout: fresh.stdout });
      const [runId, greeting] = fresh.out().trim().split(" ");
      expect(runId).toMatch(/^[0-9a-f-]{36}$/);
      expect(greeting).toBe("from-the-caller");

      const chosen = captured();
      const mine = newRunId();
      await runBlock(
        processBlockType,
        { command: ["sh", "-c", script], env: { INFRABLOCKS_GREETING: "from-the-block" } },
        { stdout: chosen.stdout, runId: mine, baseEnvironment: { INFRABLOCKS_GREETING: "unused" } },
      );
      expect(chosen.out()).toBe(`${mine} from-the-block\n`);
    } finally {
      delete process.env.INFRABLOCKS_GREETING;
    }
  });

  it("validates as resolveBlock does: field paths, the type's checks, masks in secret places", async () => {
    const empty = await rejection(runBlock(processBlockType, { command: [] }));
    expect(isInfrablocksError(empty, "INVALID_DOCUMENT")).toBe(true);
    expect(empty.message).toMatch(/^Invalid process document \(document\):\n {2}command:/);

    const masked = await rejection(
      runBlock(processBlockType, { command: ["true"], env: { API_TOKEN: MASK } }, { source: "job.ts" }),
    );
    expect(isInfrablocksError(masked, "INVALID_DOCUMENT")).toBe(true);
    expect(masked.message).toContain("(job.ts)");
    expect(masked.message).toContain(`env.API_TOKEN: holds '${MASK}'`);

    const unknown = await rejection(
      runBlock(processBlockType, { command: ["true"], colour: "red" } as never),
    );
    expect(unknown.message).toContain("colour: unknown field");

    const noCommand = await rejection(runBlock(processBlockType, {}));
    expect(isInfrablocksError(noCommand, "EMPTY_COMMAND")).toBe(true);
  });

  it("masks the block's secrets in its errors and in what it hands the driver's redact", async () => {
    const token = "tok-8c1f3d9e2b";
    const error = await rejection(
      runBlock(processBlockType, { command: [`/no/such/${token}`], env: { API_TOKEN: token } }),
    );
    expect(isInfrablocksError(error, "EXECUTABLE_NOT_FOUND")).toBe(true);
    expect(error.message).toContain(`/no/such/${MASK}`);
    expect(`${error.message}${error.stack}`).not.toContain(token);

    // The caller's own redact runs after the block's masking.
    const seen: string[] = [];
    const redact = (text: string) => {
      seen.push(text);
      return text.replace("/no/such", "/elsewhere");
    };
    const masked = await rejection(
      runBlock(processBlockType, { command: [`/no/such/${token}`], env: { API_TOKEN: token } }, { redact }),
    );
    expect(masked.message).toContain(`/elsewhere/${MASK}`);
    expect(seen.join("\n")).not.toContain(token);
  });
});

describe("killBlock and previewBlock", () => {
  it("kills a run by the identifier runBlock reported, through the block's masked logger", async () => {
    const warnings: string[] = [];
    // The shell ignores TERM, so the kill needs its SIGKILL after the grace period (and logs so).
    const input: ProcessBlockInput = { command: ["sh", "-c", "trap '' TERM; echo ready; sleep 30"] };
    const output = captured();
    let started: (identifier: string) => void = () => undefined;
    const identifier = new Promise<string>((resolve) => (started = resolve));
    let killed: Promise<void> | undefined;
    output.stdout.on("data", () => {
      killed ??= identifier.then((reported) =>
        killBlock(processBlockType, input, reported, {
          graceSeconds: 1,
          log: { ...quietLog, warn: (message) => warnings.push(message) },
        }),
      );
    });
    const result = await runBlock(processBlockType, input, { stdout: output.stdout, onStarted: started });
    await killed;
    expect(output.out()).toBe("ready\n");
    expect(result.statusCode).toBe(-9);
    expect(warnings).toEqual([expect.stringMatching(/outlived its 1s grace period; sending SIGKILL/)]);
  });

  it("previews the command as shell text, secret-named variables masked", async () => {
    const text = await previewBlock(processBlockType, {
      command: ["echo", "two words"],
      env: { API_TOKEN: "tok-8c1f3d9e2b", PLAIN: "shown" },
    });
    expect(text).toContain("echo 'two words'");
    expect(text).toContain("PLAIN=shown");
    expect(text).toContain(`API_TOKEN='${MASK}'`);
    expect(text).not.toContain("tok-8c1f3d9e2b");
  });
});
