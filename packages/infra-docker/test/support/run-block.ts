import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type Infrastructure,
  loadInfrastructure,
  newRunId,
  Redactor,
  type RunResult,
  secretEnvironmentValues,
  secretValues,
} from "@infrablocks/core";
import Docker from "dockerode";
import { type DockerContainerBlock, dockerContainerBlockType } from "../../src/index.js";

/** Every container a test creates carries this label, so the suite can clean up after itself. */
export const TEST_LABEL = { "infrablocks.io/test": "infra-docker" };
export const TEST_LABEL_FILTER = "io.infrablocks.test=infra-docker";

export const docker = new Docker();

export function dockerContainer(fields: Record<string, unknown>): DockerContainerBlock {
  return dockerContainerBlockType.schema.parse({
    ...fields,
    labels: { ...TEST_LABEL, ...(fields.labels as Record<string, string> | undefined) },
  });
}

export async function infrastructure(): Promise<Infrastructure<DockerContainerBlock>> {
  return loadInfrastructure(dockerContainerBlockType);
}

/** A writable that keeps what it gets as text. */
export class Collector extends Writable {
  #chunks: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.#chunks.push(chunk);
    callback();
  }
  get text(): string {
    return Buffer.concat(this.#chunks).toString("utf8");
  }
}

export interface Run {
  result: RunResult;
  identifier: string;
  containerId: string;
  stdout: string;
  stderr: string;
  logs: string[];
}

export interface RunOptions {
  baseEnvironment?: Record<string, string>;
  onStarted?: (identifier: string) => void;
  stdout?: Writable;
  runId?: string;
}

/** Runs a block; resolves with its result and everything it wrote, or rejects with the run's error and its logs. */
export async function runBlock(config: DockerContainerBlock, options: RunOptions = {}): Promise<Run> {
  const stdout = new Collector();
  const stderr = new Collector();
  const logs: string[] = [];
  let identifier = "";
  const log = {
    info: (message: string) => logs.push(`info: ${message}`),
    warn: (message: string) => logs.push(`warn: ${message}`),
    error: (message: string) => logs.push(`error: ${message}`),
  };
  // The redact core's runBlock and the CLI give a driver: the block's and the base environment's secrets.
  const baseEnvironment = options.baseEnvironment ?? {};
  const redactor = new Redactor();
  redactor.add(
    ...secretValues(dockerContainerBlockType, config),
    ...secretEnvironmentValues(config.env),
    ...secretEnvironmentValues(baseEnvironment),
  );
  try {
    const result = await (await infrastructure()).run(config, {
      stdout: options.stdout ?? stdout,
      stderr,
      log,
      baseEnvironment,
      redact: (text) => redactor.redact(text),
      runId: options.runId ?? newRunId(),
      onStarted: (started) => {
        identifier = started;
        options.onStarted?.(started);
      },
    });
    const containerId = identifier.slice(identifier.lastIndexOf(":") + 1);
    return { result, identifier, containerId, stdout: stdout.text, stderr: stderr.text, logs };
  } catch (error) {
    throw Object.assign(error as Error, { logs });
  }
}

/** Polls until the container is running; bounded, since a start takes well under a second. */
export async function waitUntilRunning(containerId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const state = await docker
      .getContainer(containerId)
      .inspect()
      .then((info) => info.State)
      .catch(() => undefined);
    if (state?.Running) return;
    if (Date.now() > deadline) throw new Error(`container ${containerId} did not start within 20s`);
    await sleep(50);
  }
}

/** Removes every container the tests left behind. */
export async function removeTestContainers(): Promise<void> {
  const leftovers = await docker.listContainers({ all: true, filters: { label: [TEST_LABEL_FILTER] } });
  await Promise.all(
    leftovers.map((container) =>
      docker
        .getContainer(container.Id)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}

export async function containerExists(containerId: string): Promise<boolean> {
  return docker
    .getContainer(containerId)
    .inspect()
    .then(
      () => true,
      () => false,
    );
}
