import {
  blockFields,
  type Infrastructure,
  loadInfrastructure,
  RUN_INFRASTRUCTURE,
  type RunResult,
  driverContext,
  killContext,
} from "@infrablocks/core";
import type { ConformanceCheck, ConformanceOptions, DocumentFields, RunnableOptions } from "./options.js";
import {
  assertNoSecret,
  captureRun,
  expectCode,
  fail,
  rejection,
  resolve,
  secretNeedles,
  within,
} from "./support.js";

/** Environment variables whose names mark them secret in previews, with values to look for. */
const SECRET_VARIABLES = {
  CONFORMANCE_API_KEY: "conformance-key-4f1c9e",
  CONFORMANCE_TOKEN: "conformance-token-8a27d3",
  CONFORMANCE_SECRET: "conformance-secret-c6b05a",
  CONFORMANCE_PASSWORD: "conformance-password-19e7f2",
};
const BASE_SECRET = { INFRABLOCKS_CONFORMANCE_TOKEN: "conformance-base-token-5d3a81" };
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_GRACE_SECONDS = 5;
/** Beyond the grace period, how long a kill and the run's end may take (CONTRACT.md: "a few seconds"). */
const KILL_SLACK_MS = 15_000;

export function previewChecks(options: ConformanceOptions): ConformanceCheck[] {
  const { blockType } = options;
  const skip = blockType.capabilities.includes(RUN_INFRASTRUCTURE)
    ? undefined
    : `the type lacks the ${RUN_INFRASTRUCTURE} capability`;
  return [
    {
      name: "preview masks secret fields and env values named *KEY*, *TOKEN*, *SECRET*, *PASSWORD*",
      skip,
      async run() {
        const document = await previewDocument(options);
        const hasEnv = "env" in blockFields(blockType);
        if (hasEnv) document.env = { ...(document.env as object | undefined), ...SECRET_VARIABLES };
        const block = await resolve(blockType, document);
        const infrastructure = await loadInfrastructure(block.blockType);
        const text = await infrastructure.preview(
          block.config,
          driverContext({ baseEnvironment: BASE_SECRET }),
        );
        if (typeof text !== "string" || text.trim() === "") fail("preview returned no text.");
        const needles = [...secretNeedles(options), ...Object.values(BASE_SECRET)];
        if (hasEnv) needles.push(...Object.values(SECRET_VARIABLES));
        assertNoSecret([text], needles, "preview");
      },
    },
  ];
}

export function runChecks(options: ConformanceOptions): ConformanceCheck[] {
  const { blockType, runnable } = options;
  const skip = !blockType.capabilities.includes(RUN_INFRASTRUCTURE)
    ? `the type lacks the ${RUN_INFRASTRUCTURE} capability`
    : typeof runnable === "string"
      ? runnable
      : runnable === undefined
        ? "no runnable options were given"
        : undefined;
  const settings = typeof runnable === "object" ? runnable : undefined;
  const timeoutMs = settings?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const graceSeconds = settings?.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const check = (name: string, body: (runner: Runner) => Promise<void>): ConformanceCheck => ({
    name,
    skip,
    // Room for a run plus the kill's grace period, so that a slow check fails with our own message.
    timeoutMs: timeoutMs + graceSeconds * 1000 + KILL_SLACK_MS + 5_000,
    run: async () => body(await Runner.create(options, settings as RunnableOptions)),
  });
  return [
    check("run without a command fails with EMPTY_COMMAND and starts nothing", async (runner) => {
      const { command: _, ...document } = await runner.document(["true"]);
      const capture = captureRun();
      const block = await resolve(blockType, document);
      const error = await rejection(
        () => within(runner.infrastructure.run(block.config, capture.context), timeoutMs, "run to fail"),
        "run without a command",
      );
      expectCode(error, "EMPTY_COMMAND", "run without a command");
      if (capture.started.length > 0) fail("run without a command reported a start.");
      runner.assertQuiet([(error as Error).message, ...capture.messages], "run without a command");
    }),
    check(
      "run reports the identifier via onStarted before it returns, and exit code 0 propagates",
      async (runner) => {
        const line = "conformance-exit-0";
        const { result, capture, startedFirst } = await runner.runToEnd(0, line);
        if (!startedFirst) fail("run returned before it called onStarted.");
        if (capture.started.length !== 1)
          fail(`onStarted was called ${capture.started.length} times, not once.`);
        if (result.identifier !== capture.started[0]) {
          fail(
            `run returned identifier '${result.identifier}' but reported '${capture.started[0]}' at start.`,
          );
        }
        if (result.statusCode !== 0) fail(`statusCode is ${result.statusCode} for a command that exits 0.`);
        if (!capture.output().includes(line))
          fail(`the run's output lacks the line '${line}' the command printed.`);
      },
    ),
    check("a non-zero exit code propagates", async (runner) => {
      const { result } = await runner.runToEnd(7, "conformance-exit-7");
      if (result.statusCode !== 7) fail(`statusCode is ${result.statusCode} for a command that exits 7.`);
    }),
    check("kill stops a long-running run within the grace period", async (runner) => {
      const capture = captureRun();
      const block = await runner.block(runner.settings.longRunningCommand);
      const running = runner.infrastructure.run(block.config, capture.context);
      // Observed below; without this, a failure before that point would be an unhandled rejection.
      running.catch(() => undefined);
      const identifier = await within(capture.firstStart, timeoutMs, "the long-running run to start");
      const bound = graceSeconds * 1000 + KILL_SLACK_MS;
      await within(
        runner.infrastructure.kill(block.config, identifier, killContext({ log: capture.log, graceSeconds })),
        bound,
        `kill with a ${graceSeconds}s grace period to return`,
      );
      const result = await within(running, bound, "the killed run to end");
      if (result.statusCode === 0) fail("a killed run reported statusCode 0.");
      runner.assertQuiet(capture.messages, "the log of a killed run");
    }),
    check("kill of a run that has ended throws INFRASTRUCTURE_NOT_FOUND", async (runner) => {
      const { goneIdentifier } = runner.settings;
      const identifier = goneIdentifier
        ? await goneIdentifier()
        : (await runner.runToEnd(0, "conformance-gone")).result.identifier;
      const error = await runner.killError(identifier, "kill of an ended run");
      expectCode(error, "INFRASTRUCTURE_NOT_FOUND", `kill('${identifier}')`);
    }),
    check("kill of a run out of reach throws INFRASTRUCTURE_NOT_AVAILABLE", async (runner) => {
      const foreign = runner.settings.foreignIdentifier;
      const identifier = typeof foreign === "function" ? await foreign() : foreign;
      const error = await runner.killError(identifier, "kill of a run out of reach");
      expectCode(error, "INFRASTRUCTURE_NOT_AVAILABLE", `kill('${identifier}')`);
    }),
    check("kill of a malformed identifier throws INVALID_IDENTIFIER", async (runner) => {
      const error = await runner.killError("conformance-malformed", "kill of a malformed identifier");
      expectCode(error, "INVALID_IDENTIFIER", "kill('conformance-malformed')");
    }),
  ];
}

// --- Internal helpers ---

/** The document preview is checked with: the runnable one when given, else validDocument with a command. */
async function previewDocument(options: ConformanceOptions): Promise<DocumentFields> {
  const command = ["echo", "conformance"];
  if (typeof options.runnable === "object") return { ...(await options.runnable.document(command)) };
  return { command, ...options.validDocument };
}

/** Runs commands on the block's infrastructure and checks that nothing it says shows a secret. */
class Runner {
  private constructor(
    private readonly options: ConformanceOptions,
    readonly settings: RunnableOptions,
    readonly infrastructure: Infrastructure<unknown>,
    private readonly needles: string[],
  ) {}

  static async create(options: ConformanceOptions, settings: RunnableOptions): Promise<Runner> {
    const needles = secretNeedles(options);
    const sample = await resolve(options.blockType, await settings.document(["true"]));
    // The runnable document may hold secrets of its own (a key to reach the test server).
    needles.push(...secretNeedles({ ...options, validDocument: sample.document }));
    return new Runner(options, settings, await loadInfrastructure(options.blockType), needles);
  }

  async document(command: string[]): Promise<DocumentFields> {
    return { ...(await this.settings.document(command)) };
  }

  async block(command: string[]) {
    return resolve(this.options.blockType, await this.document(command));
  }

  /** Runs `exitCommand(code, line)` to its end. */
  async runToEnd(
    code: number,
    line: string,
  ): Promise<{ result: RunResult; capture: ReturnType<typeof captureRun>; startedFirst: boolean }> {
    const block = await this.block(this.settings.exitCommand(code, line));
    const capture = captureRun();
    let returned = false;
    let startedFirst = false;
    const context = {
      ...capture.context,
      onStarted(identifier: string) {
        startedFirst = !returned;
        capture.context.onStarted(identifier);
      },
    };
    const result = await within(
      this.infrastructure.run(block.config, context).finally(() => {
        returned = true;
      }),
      this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      `a run of exitCommand(${code}) to end`,
    );
    this.assertQuiet(capture.messages, `the log of a run of exitCommand(${code})`);
    return { result, capture, startedFirst };
  }

  async killError(identifier: string, what: string): Promise<unknown> {
    const block = await this.block(this.settings.longRunningCommand);
    const capture = captureRun();
    const error = await rejection(
      () =>
        within(
          this.infrastructure.kill(
            block.config,
            identifier,
            killContext({ log: capture.log, graceSeconds: 1 }),
          ),
          KILL_SLACK_MS,
          `${what} to fail`,
        ),
      what,
    );
    this.assertQuiet([(error as Error).message, ...capture.messages], what);
    return error;
  }

  assertQuiet(texts: string[], where: string): void {
    assertNoSecret(texts, this.needles, where);
  }
}
