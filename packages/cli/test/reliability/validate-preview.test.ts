/**
 * `validate` accepts exactly what `preview` accepts (CONTRACT.md): for fuzzed documents of every type,
 * the valid ones with hostile text in their free fields and the ones with one invalid part, checking
 * a document (what `validate` does) succeeds if and only if previewing it does.
 */
import { driverContext, loadInfrastructure, resolveBlock } from "@infrablocks/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allTypesRegistry, invalidDocument, loadSaved, SLUGS, validDocument } from "./invalid-documents.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
const registry = allTypesRegistry();

async function validates(document: Record<string, unknown>): Promise<boolean> {
  return resolveBlock(registry, document, loadSaved, "fuzz").then(
    () => true,
    () => false,
  );
}

/** What `infrablocks preview` does: check the document, then ask its driver for the preview. */
async function previews(document: Record<string, unknown>): Promise<boolean> {
  try {
    const block = await resolveBlock(registry, document, loadSaved, "fuzz");
    const infrastructure = await loadInfrastructure(block.blockType);
    const text = await infrastructure.preview(block.config, driverContext({ baseEnvironment: {} }));
    return typeof text === "string" && text.length > 0;
  } catch {
    return false;
  }
}

describe.each(SLUGS)("%s documents", (slug) => {
  it(`validate accepts a document if and only if preview succeeds (${2 * RUNS} fuzzed documents, valid and invalid)`, async () => {
    const verdicts = { both: 0, neither: 0 };
    const blockType = await registry.get(slug);
    // Types that cannot run (a registry, a cluster config) have no preview: only their checking counts.
    const runnable = blockType.loadInfrastructure !== undefined;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          validDocument(slug),
          invalidDocument(slug).map((testCase) => testCase.document),
        ),
        async (document) => {
          const valid = await validates(document);
          if (!runnable) return;
          const previewed = await previews(document);
          expect(previewed, JSON.stringify(document).slice(0, 300)).toBe(valid);
          verdicts[valid ? "both" : "neither"]++;
        },
      ),
      { numRuns: 2 * RUNS, seed: SEED },
    );
    if (runnable) {
      expect(verdicts.both).toBeGreaterThan(0);
      expect(verdicts.neither).toBeGreaterThan(0);
    }
  }, 300_000);
});
