import { request } from "node:http";
import type { Readable } from "node:stream";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { type CliResult, cli } from "./cli-support.js";

/** How many lines the attached run prints, a second apart, and the status it exits with. */
export const LINES = 8;
export const EXIT_STATUS = 5;

export interface CliOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
}

/** A command that shows its run id from inside, then prints `line N` once a second and exits with `status`. */
export function tickingCommand(lines: number, status: number): string[] {
  return [
    "sh",
    "-c",
    `echo "run id is $INFRABLOCKS_RUN_ID"; i=1; while [ $i -le ${lines} ]; do echo "line $i"; i=$((i+1)); sleep 1; done; exit ${status}`,
  ];
}

export async function writeDocument(home: string, name: string, document: object): Promise<string> {
  const path = join(home, `${name}.json`);
  await writeFile(path, JSON.stringify(document));
  return path;
}

/**
 * Starts `infrablocks run DOC --run-id ID`, waits until the run has printed `line 2`, then kills
 * the runner (not the run) with SIGKILL. Resolves to what the runner printed.
 */
export async function orphanRun(doc: string, runId: string, options: CliOptions): Promise<string> {
  const run = cli(["run", doc, "--run-id", runId], options);
  await outputContains(run.child.stdout as Readable, "line 2", 90_000);
  run.child.kill("SIGKILL");
  const result = await run;
  expect(result.signal).toBe("SIGKILL");
  return result.stdout;
}

export interface ListedRun {
  runId: string;
  type: string;
  identifier: string;
  startedAt: string;
  runner: string;
  runnerAlive: boolean | null;
}

export async function ps(options: CliOptions): Promise<ListedRun[]> {
  const result = await cli(["ps", "--json"], options);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as ListedRun[];
}

/** The JSON events of a `run --json` or `attach --json`. */
export function events(result: CliResult): Record<string, unknown>[] {
  return result.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Resolves once `stream` has carried `text`; rejects when it ends first or after `timeoutMs`. */
function outputContains(stream: Readable, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => finish(new Error(`no '${text}' within ${timeoutMs} ms: ${seen}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) finish();
    };
    const onEnd = () => finish(new Error(`the output ended without '${text}': ${seen}`));
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", onEnd);
      if (error) reject(error);
      else resolve();
    };
    stream.on("data", onData);
    stream.on("end", onEnd);
  });
}

/** A request to the Docker Engine API on DOCKER_HOST's socket (the tests use a local engine). */
export function dockerApi(method: string, path: string): Promise<{ status: number; body: unknown }> {
  const host = process.env.DOCKER_HOST || "unix:///var/run/docker.sock";
  return new Promise((resolve, reject) => {
    const call = request({ socketPath: host.replace(/^unix:\/\//, ""), method, path }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => {
        text += chunk.toString();
      });
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, body: text === "" ? undefined : JSON.parse(text) }),
      );
    });
    call.on("error", reject);
    call.end();
  });
}

export interface LifecycleSettings {
  type: string;
  /** Runs tickingCommand(LINES, EXIT_STATUS). */
  doc: string;
  /** Runs long enough to be swept. */
  longDoc: string;
  options: CliOptions;
  /** A prefix for this test's run ids. */
  prefix: string;
  /** Checks the run id on the infrastructure from outside. */
  checkOutside(run: ListedRun): Promise<void>;
  /** Whether attach streams the output from the start (containers, jobs) or from now on (processes). */
  fromStart: boolean;
}

/**
 * The whole story of a run whose runner died: ps lists it with a dead runner, attach gets its
 * remaining output and exit status, and sweep ends a second one after a dry run listed it.
 */
export async function checkOrphanLifecycle(settings: LifecycleSettings): Promise<void> {
  const { options, type } = settings;
  const attachedId = `${settings.prefix}-attached`;
  const sweptId = `${settings.prefix}-swept`;

  const printed = await orphanRun(settings.doc, attachedId, options);
  expect(printed).toContain(`run id is ${attachedId}\n`);
  const listed = (await ps(options)).find((run) => run.runId === attachedId);
  expect(listed).toMatchObject({
    type,
    runnerAlive: false,
    runner: expect.stringMatching(/:[0-9]+:[0-9]+$/),
  });
  expect(Date.parse((listed as ListedRun).startedAt)).not.toBeNaN();
  await settings.checkOutside(listed as ListedRun);

  const attached = await cli(["attach", settings.doc, attachedId, "--json"], options);
  expect(attached.code, attached.stderr).toBe(EXIT_STATUS);
  // A failed job's exited event also carries the reason (a message), as with run.
  expect(events(attached)).toEqual([
    { event: "started", identifier: (listed as ListedRun).identifier, runId: attachedId },
    expect.objectContaining({
      event: "exited",
      identifier: (listed as ListedRun).identifier,
      runId: attachedId,
      statusCode: EXIT_STATUS,
    }),
  ]);
  // With --json the run's output goes to stderr; the last line comes after the runner died.
  expect(attached.stderr).toContain(`line ${LINES}\n`);
  if (settings.fromStart) expect(attached.stderr).toContain(`run id is ${attachedId}\nline 1\n`);
  expect((await ps(options)).some((run) => run.runId === attachedId)).toBe(false);

  await orphanRun(settings.longDoc, sweptId, options);
  const dryRun = await cli(["sweep", settings.longDoc, "--dry-run", "--json"], options);
  expect(dryRun.code, dryRun.stderr).toBe(0);
  expect(JSON.parse(dryRun.stdout)).toContainEqual(
    expect.objectContaining({ runId: sweptId, type, runnerAlive: false, outcome: "listed" }),
  );
  const tooYoung = await cli(
    ["sweep", settings.longDoc, "--dry-run", "--older-than", "1d", "--json"],
    options,
  );
  expect(JSON.parse(tooYoung.stdout)).not.toContainEqual(expect.objectContaining({ runId: sweptId }));
  expect((await ps(options)).some((run) => run.runId === sweptId)).toBe(true);

  const swept = await cli(["sweep", settings.longDoc, "--grace", "1"], options);
  expect(swept.code, swept.stderr).toBe(0);
  expect(swept.stdout).toMatch(new RegExp(`^ended: ${type} \\S+ \\(run ${sweptId}, started `, "m"));
  expect((await ps(options)).some((run) => run.runId === sweptId)).toBe(false);
}
