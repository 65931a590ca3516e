import { PassThrough } from "node:stream";
import {
  BlockRegistry,
  loadInfrastructure,
  newRunId,
  type RunContext,
  resolveBlock,
} from "@infrablocks/core";
import { type ProcessBlock, processBlockType } from "../../src/index.js";

export const quietLog = { info() {}, warn() {}, error() {} };

/** Validates a process document the way the CLI does. */
export async function processBlock(document: Record<string, unknown>): Promise<ProcessBlock> {
  const registry = new BlockRegistry([processBlockType]);
  const block = await resolveBlock(registry, { type: "process", ...document }, async () => {
    throw new Error("no saved documents in these tests");
  });
  return block.config;
}

export const processInfrastructure = () => loadInfrastructure(processBlockType);

/** A run context that captures the output as text. */
export function capture(overrides: Partial<RunContext> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk));
  stderr.on("data", (chunk: Buffer) => err.push(chunk));
  const started: string[] = [];
  const context: RunContext = {
    stdout,
    stderr,
    log: quietLog,
    baseEnvironment: {},
    redact: (text) => text,
    runId: newRunId(),
    onStarted: (identifier) => started.push(identifier),
    ...overrides,
  };
  return {
    context,
    started,
    stdout: () => Buffer.concat(out).toString("utf8"),
    stderr: () => Buffer.concat(err).toString("utf8"),
  };
}
