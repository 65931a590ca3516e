/**
 * The compiled validators (packages/<driver>/src/validators/<slug>.js, ajv standalone code generated
 * from the committed schemas) against zod, the source of truth, on the fuzz suite's documents, valid and
 * invalid (and, for the Kubernetes types, valid ones that set every optional field), of every type: when
 * the validator rejects, zod rejects and names the same fields; where the
 * validator is exact (it decides alone in resolveBlock), zod rejects only what it rejects, and their
 * configs are equal. Also: the committed generated code matches the schemas, and the CLI's check path
 * (each driver's check entry, zod loaded only to word a rejection) gives resolveBlock's config or its
 * very message on every fuzzed document, `$ref`s included. Fixed seed (FUZZ_SEED).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  type BlockType,
  type CompiledValidatorError,
  compiledErrorPaths,
  compiledValidatorIsExact,
  resolveBlock,
  type z,
} from "@infrablocks/core";
import { checkDocument } from "@infrablocks/core/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { installedCheckers } from "../../src/drivers.js";
import {
  allTypesRegistry,
  invalidDocument,
  loadSaved,
  SLUGS,
  type Slug,
  validDocument,
  validVariants,
} from "./invalid-documents.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 3_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);
const ROOT = join(import.meta.dirname, "../../../..");

const registry = allTypesRegistry();

/** A document the two can both judge: its own type, no `$ref` (resolveBlock resolves those first). */
function judgeable(slug: Slug, document: Record<string, unknown>): boolean {
  return document.type === slug && !JSON.stringify(document).includes('"$ref"');
}

/** zod's issue paths as dotted field paths: an unknown key by its own path, a union's branches too. */
function zodPaths(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path].map(String);
    if (issue.code === "unrecognized_keys") return issue.keys.map((key) => [...path, key].join("."));
    if (issue.code === "invalid_union")
      return [path.join("."), ...issue.errors.flatMap((branch) => zodPaths(branch, path))];
    return [path.join(".")];
  });
}

/** The paths of the unions that failed, which name their value as a whole. */
function unionPaths(errors: readonly CompiledValidatorError[]): string[] {
  return compiledErrorPaths(errors.filter((error) => error.keyword === "anyOf" || error.keyword === "oneOf"));
}

const within = (path: string, outer: string) =>
  outer === "" || path === outer || path.startsWith(`${outer}.`);

/**
 * The most specific paths, with everything inside a failed union cut to the innermost union's path:
 * the validator names the union and every branch's faults; zod names the union, or the faults of the
 * one branch that failed only by unknown keys.
 */
function cutAtUnions(paths: readonly string[], unions: readonly string[]): string[] {
  const innermostFirst = [...unions].sort((a, b) => b.length - a.length);
  const cut = [...new Set(paths.map((path) => innermostFirst.find((union) => within(path, union)) ?? path))];
  return cut.filter((path) => !cut.some((other) => other !== path && within(other, path))).sort();
}

interface Verdict {
  compiled: { valid: boolean; paths: string[]; config?: unknown };
  zod: { valid: boolean; paths: string[]; config?: unknown };
}

function judge(blockType: BlockType, document: Record<string, unknown>): Verdict {
  const validate = blockType.validate as NonNullable<BlockType["validate"]>;
  const filled = structuredClone(document);
  const valid = validate(filled);
  const errors = valid ? [] : (validate.errors ?? []);
  const unions = unionPaths(errors);
  const parsed = blockType.schema.safeParse(document);
  return {
    compiled: { valid, paths: cutAtUnions(compiledErrorPaths(errors), unions), config: filled },
    zod: {
      valid: parsed.success,
      paths: parsed.success ? [] : cutAtUnions(zodPaths(parsed.error.issues), unions),
      config: parsed.data,
    },
  };
}

function disagreement(blockType: BlockType, document: Record<string, unknown>): string | undefined {
  const { compiled, zod } = judge(blockType, document);
  const exact = compiledValidatorIsExact(blockType);
  const shown = JSON.stringify({ document, compiled: compiled.paths, zod: zod.paths }).slice(0, 800);
  if (!compiled.valid && zod.valid) return `the validator rejects what zod accepts: ${shown}`;
  if (exact && compiled.valid !== zod.valid) return `verdicts differ: ${shown}`;
  if (!compiled.valid && compiled.paths.join() !== zod.paths.join()) return `paths differ: ${shown}`;
  if (exact && compiled.valid) {
    try {
      expect(compiled.config).toEqual(zod.config);
    } catch {
      return `configs differ: ${JSON.stringify({ document, compiled: compiled.config, zod: zod.config })}`;
    }
  }
  return undefined;
}

describe("compiled validators", () => {
  it("are the code scripts/compile-validators.js generates from the committed schemas", async () => {
    await promisify(execFile)(process.execPath, [join(ROOT, "scripts/compile-validators.js"), "--check"]);
  });

  it("test the patterns they build without a RegExp exactly as the RegExp would", async () => {
    const { PLAIN_PATTERNS } = await import(join(ROOT, "scripts/compile-validators.js"));
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom("\0", "\n", "\r", "\u2028", "\ud800", "a"),
        fc.string({ unit: "binary", maxLength: 1 }),
      ),
    });
    for (const [source, plain] of Object.entries(PLAIN_PATTERNS as Record<string, string>)) {
      const test = new Function(`return ${plain};`)() as { test(text: string): boolean };
      for (const flags of ["", "u"]) {
        const pattern = new RegExp(source, flags);
        fc.assert(
          fc.property(text, (value) => test.test(value) === pattern.test(value)),
          {
            numRuns: RUNS,
            seed: SEED,
          },
        );
      }
    }
  });

  it("stand alone: plain Node imports each one, with neither ajv nor zod", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--input-type=module",
      "-e",
      `const v = (await import(${JSON.stringify(join(ROOT, "packages/infra-kubernetes/src/validators/kubernetes-job.js"))})).default;
       console.log(v({ type: "kubernetes-job", namespace: "x".repeat(64) }), v.errors[0].keyword);`,
    ]);
    expect(stdout.trim()).toBe("false maxLength");
  });

  it("exist for every type, and every type's is exact (zod's parse is skipped)", async () => {
    for (const slug of SLUGS) {
      expect((await registry.get(slug)).validate, slug).toBeTypeOf("function");
      expect(compiledValidatorIsExact(await registry.get(slug)), slug).toBe(true);
    }
  });

  describe.each(SLUGS)("agree with zod on %s documents", (slug) => {
    it(`${RUNS} invalid, ${RUNS} valid and ${RUNS} varied valid fuzzed documents: same verdict, same field paths`, async () => {
      const blockType = await registry.get(slug);
      let judged = 0;
      for (const documents of [
        invalidDocument(slug).map((testCase) => testCase.document),
        validDocument(slug),
        validVariants(slug),
      ]) {
        fc.assert(
          fc.property(documents, (document) => {
            if (!judgeable(slug, document)) return;
            judged++;
            const problem = disagreement(blockType, document);
            if (problem) throw new Error(`${slug}: ${problem}`);
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
      }
      expect(judged).toBeGreaterThan(RUNS);
    });
  });

  describe.each(SLUGS)("agree with resolveBlock through the CLI's check path on %s documents", (slug) => {
    const checkers = installedCheckers();
    const outcome = (check: Promise<{ config: unknown }>) =>
      check.then(
        (block) => ({ config: block.config }),
        (error: Error) => ({ error: `${(error as { code?: string }).code}: ${error.message}` }),
      );

    it(`${RUNS} invalid, ${RUNS} valid and ${RUNS} varied valid fuzzed documents: the same config, or the same message`, async () => {
      const valid = [validDocument(slug), validVariants(slug)];
      for (const documents of [invalidDocument(slug).map((testCase) => testCase.document), ...valid]) {
        await fc.assert(
          fc.asyncProperty(documents, async (document) => {
            const checked = await outcome(checkDocument(checkers, structuredClone(document), loadSaved));
            const resolved = await outcome(resolveBlock(registry, structuredClone(document), loadSaved));
            expect(checked).toEqual(resolved);
            // No false alarm: a valid document passes every check, the types' hooks included.
            if (valid.includes(documents)) expect(checked).toHaveProperty("config");
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
      }
    });
  });
});
