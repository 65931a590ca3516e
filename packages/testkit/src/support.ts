import { PassThrough } from "node:stream";
import {
  BlockRegistry,
  type BlockType,
  InfrablocksError,
  isInfrablocksError,
  type Logger,
  newRunId,
  type ResolvedBlock,
  resolveBlock,
  type RunContext,
  secretValues,
} from "@infrablocks/core";
import type { ConformanceOptions, DocumentFields } from "./options.js";

/** A failed conformance check; its message tells the driver author what to fix. */
export class ConformanceError extends Error {
  override readonly name = "ConformanceError";
}

export function fail(message: string): never {
  throw new ConformanceError(message);
}

export function withType(blockType: BlockType, document: DocumentFields): DocumentFields {
  return { type: blockType.slug, ...document };
}

/** Validates a document the way the CLI does; `$ref`s to saved documents are not available here. */
export async function resolve(blockType: BlockType, document: DocumentFields): Promise<ResolvedBlock> {
  return resolveBlock(new BlockRegistry([blockType]), withType(blockType, document), async (slug, name) => {
    throw new InfrablocksError(
      "DOCUMENT_NOT_FOUND",
      `The conformance suite has no saved documents; write ${slug}/${name} inline.`,
    );
  });
}

/** The error `action` throws, or a failure when it throws none. */
export async function rejection(action: () => Promise<unknown>, what: string): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  return fail(`${what} succeeded; it should have thrown.`);
}

export function expectCode(error: unknown, code: InfrablocksError["code"], what: string): InfrablocksError {
  if (!isInfrablocksError(error, code)) {
    const got = isInfrablocksError(error) ? `InfrablocksError ${error.code}` : describeError(error);
    fail(`${what}: expected InfrablocksError ${code}, got ${got}: ${(error as Error)?.message ?? error}`);
  }
  return error;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** The values no output may show: the document's secrets and the canary, if long enough to search for. */
export function secretNeedles(options: ConformanceOptions): string[] {
  const values = secretValues(options.blockType, withType(options.blockType, options.validDocument));
  if (options.secretCanary) values.push(options.secretCanary);
  // Short values would match unrelated text; core's Redactor skips them in free text for the same reason.
  return [...new Set(values.filter((value) => value.length >= 8))];
}

/** Fails when any text shows any needle; `where` says which output, for the message. */
export function assertNoSecret(texts: Iterable<string>, needles: readonly string[], where: string): void {
  for (const text of texts) {
    for (const needle of needles) {
      if (text.includes(needle)) {
        fail(
          `${where} shows a secret value (one of ${needles.length} checked, ${needle.length} characters long).`,
        );
      }
    }
  }
}

/** Rejects when `promise` has not settled within `ms`, naming what was awaited. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ConformanceError(`Timed out after ${ms / 1000}s waiting for ${what}.`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A run context that records output, log messages and the started identifiers. */
export function captureRun() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on("data", (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on("data", (chunk: Buffer) => chunks.stderr.push(chunk));
  const messages: string[] = [];
  const started: string[] = [];
  let resolveStarted: (identifier: string) => void = () => undefined;
  const firstStart = new Promise<string>((resolvePromise) => {
    resolveStarted = resolvePromise;
  });
  const log: Logger = {
    info: (message) => messages.push(message),
    warn: (message) => messages.push(message),
    error: (message) => messages.push(message),
  };
  const context: RunContext = {
    stdout,
    stderr,
    log,
    baseEnvironment: {},
    redact: (text) => text,
    runId: newRunId(),
    onStarted(identifier) {
      started.push(identifier);
      resolveStarted(identifier);
    },
  };
  return {
    context,
    log,
    messages,
    started,
    firstStart,
    output: () => Buffer.concat([...chunks.stdout, ...chunks.stderr]).toString("utf8"),
  };
}
