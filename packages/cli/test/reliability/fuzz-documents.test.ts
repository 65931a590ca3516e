/**
 * Property-based fuzzing of block documents through `resolveBlock`: for every block type, FUZZ_RUNS
 * (default 10,000) generated invalid documents, each with exactly one invalid field, are rejected
 * with the expected error code; every issue starts with a field path, the mutated field's path among
 * them; nothing pollutes Object.prototype; no case takes long. Fixed seed (FUZZ_SEED to change it).
 *
 * Longer run: FUZZ_RUNS=200000 pnpm vitest run --project cli packages/cli/test/reliability/fuzz-documents.test.ts
 */
import { InfrablocksError, resolveBlock } from "@infrablocks/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allTypesRegistry,
  FIELDS,
  type InvalidCase,
  loadSaved,
  SLUGS,
  validDocument,
  invalidDocument,
} from "./invalid-documents.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);
/** A generous bound for one document on a busy 2-core machine (they take well under a millisecond). */
const SLOWEST_CASE_MS = 2_000;

const registry = allTypesRegistry();

function prototypeSnapshot(): string {
  return JSON.stringify([
    Object.getOwnPropertyNames(Object.prototype).sort(),
    Object.getOwnPropertyNames(Array.prototype).sort(),
    Object.getOwnPropertyNames(Function.prototype).sort(),
  ]);
}

/** Checks one rejected case; returns a description of what is wrong, or undefined. */
function problemWith(testCase: InvalidCase, error: unknown): string | undefined {
  if (!(error instanceof InfrablocksError)) return `not an InfrablocksError: ${String(error)}`;
  if (error.code !== testCase.code) return `code ${error.code}, expected ${testCase.code}: ${error.message}`;
  if (error.code !== "INVALID_DOCUMENT") return undefined;
  if (error.issues.length === 0) return `no issues: ${error.message}`;
  const roots = new Set([...FIELDS[testCase.slug], testCase.path]);
  for (const issue of error.issues) {
    const root = [...roots].find((field) => issue.startsWith(`${field}:`) || issue.startsWith(`${field}.`));
    if (!root) return `issue without a field path: ${JSON.stringify(issue)}`;
  }
  const named = error.issues.some(
    (issue) => issue.startsWith(`${testCase.path}:`) || issue.startsWith(`${testCase.path}.`),
  );
  if (!named) return `no issue names ${testCase.path}: ${JSON.stringify(error.issues)}`;
  return undefined;
}

describe.each(SLUGS)("fuzzing %s documents", (slug) => {
  it(`rejects ${RUNS} generated invalid documents, naming the field, polluting nothing`, async () => {
    const before = prototypeSnapshot();
    const codes: Record<string, number> = {};
    let slowest = 0;
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(invalidDocument(slug), async (testCase) => {
        const started = performance.now();
        const error = await resolveBlock(registry, testCase.document, loadSaved, "fuzz").then(
          () => new Error(`accepted: ${JSON.stringify(testCase.document).slice(0, 500)}`),
          (caught: unknown) => caught,
        );
        slowest = Math.max(slowest, performance.now() - started);
        tried++;
        const problem = problemWith(testCase, error);
        if (problem) throw new Error(`${slug} ${testCase.path}: ${problem}`);
        codes[(error as InfrablocksError).code] = (codes[(error as InfrablocksError).code] ?? 0) + 1;
        if (({} as Record<string, unknown>).polluted !== undefined)
          throw new Error("Object.prototype polluted");
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(tried).toBe(RUNS);
    expect(prototypeSnapshot()).toBe(before);
    expect(slowest).toBeLessThan(SLOWEST_CASE_MS);
    console.info(
      `[fuzz] ${slug}: ${tried} invalid documents rejected (${JSON.stringify(codes)}), slowest ${slowest.toFixed(1)} ms`,
    );
  }, 600_000);

  it("accepts the valid base document carrying hostile text in its free fields (no false alarms)", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(validDocument(slug), async (document) => {
        const block = await resolveBlock(registry, document, loadSaved, "fuzz");
        expect(block.blockType.slug).toBe(slug);
        // Free text reaches the config verbatim.
        if ("name" in document) expect((block.config as { name?: unknown }).name).toBe(document.name);
        if ("command" in document)
          expect((block.config as { command?: unknown }).command).toEqual(document.command);
        accepted++;
      }),
      { numRuns: Math.min(RUNS, 1_000), seed: SEED },
    );
    expect(accepted).toBe(Math.min(RUNS, 1_000));
  });
});
