/**
 * The generated copies beside the compiled validators (`validate.copy`, scripts/compile-validators.js),
 * which resolveBlock fills defaults into: on the fuzz suite's documents, valid and invalid, of every type
 * that has one, and on hand-made edge cases, a copy holds exactly the document's own fields in the
 * schema's order with the very same values, or is refused (undefined) for a document with a key the
 * schema does not declare or a prototype other than Object's, which core then copies itself. And
 * resolveBlock's config, its defaults included, comes out in the order the generic copy gives.
 */
import { type CompiledValidator, exportBlockSchema, resolveBlock } from "@infrablocks/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allTypesRegistry, invalidDocument, loadSaved, SLUGS, validDocument } from "./invalid-documents.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 3_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_601);

const registry = allTypesRegistry();

/** What core's generic ordered copy gives (document-checker.ts), for a type without nested blocks. */
function genericCopy(fields: readonly string[], document: Record<string, unknown>) {
  const copy: Record<string, unknown> = {};
  for (const name of fields) if (Object.hasOwn(document, name)) copy[name] = document[name];
  return Object.keys(copy).length === Object.keys(document).length ? copy : undefined;
}

function sameCopy(copy: Record<string, unknown> | undefined, expected: Record<string, unknown> | undefined) {
  if (expected === undefined) return copy === undefined;
  if (copy === undefined) return false;
  const keys = Object.keys(copy);
  return (
    keys.join() === Object.keys(expected).join() &&
    keys.every((key) => Object.is(copy[key], expected[key])) &&
    Object.getPrototypeOf(copy) === Object.prototype
  );
}

async function copier(slug: string) {
  const blockType = await registry.get(slug);
  const validate = blockType.validate as CompiledValidator;
  // The fields in the schema's order, as the generator reads them.
  const fields = Object.keys(exportBlockSchema(blockType).properties as object);
  return { validate, copy: validate.copy, fields };
}

describe("generated copies", () => {
  it("exist beside the validators of the types without nested blocks, and only those", async () => {
    const withCopy: string[] = [];
    for (const slug of SLUGS) if ((await copier(slug)).copy) withCopy.push(slug);
    expect(withCopy).toEqual(["process", "docker-registry", "kubernetes-cluster-config"]);
  });

  describe.each(["process", "docker-registry", "kubernetes-cluster-config"] as const)("of %s", (slug) => {
    it(`${RUNS} invalid and ${RUNS} valid fuzzed documents: the generic copy's keys, order and values, or refused`, async () => {
      const { copy, fields } = await copier(slug);
      for (const documents of [
        invalidDocument(slug).map((testCase) => testCase.document),
        validDocument(slug),
      ]) {
        fc.assert(
          fc.property(documents, (document) => {
            const copied = copy?.(document);
            const expected = genericCopy(fields, document);
            if (!sameCopy(copied, expected))
              throw new Error(`${slug}: ${JSON.stringify({ document, copied, expected }).slice(0, 800)}`);
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true },
        );
      }
    });

    it("refuses an unknown key, an own __proto__ key and a class instance; copies a null-prototype object", async () => {
      const { copy, fields } = await copier(slug);
      const valid = fc.sample(validDocument(slug), { numRuns: 1, seed: SEED })[0] as Record<string, unknown>;
      expect(copy?.({ ...valid, colour: 1 })).toBeUndefined();
      expect(copy?.(JSON.parse(`{"type": "${slug}", "__proto__": {}}`))).toBeUndefined();
      class Document {
        type = slug;
      }
      expect(copy?.(new Document() as unknown as Record<string, unknown>)).toBeUndefined();
      const bare = Object.assign(Object.create(null), valid) as Record<string, unknown>;
      expect(sameCopy(copy?.(bare), genericCopy(fields, valid))).toBe(true);
      const withUndefined = { ...valid, [fields[fields.length - 1] as string]: undefined };
      expect(sameCopy(copy?.(withUndefined), genericCopy(fields, withUndefined))).toBe(true);
    });

    it("give resolveBlock its config in the generic copy's order, defaults last", async () => {
      const { validate, fields } = await copier(slug);
      for (const document of fc.sample(validDocument(slug), { numRuns: 200, seed: SEED })) {
        const generic = genericCopy(fields, document) as Record<string, unknown>;
        expect(validate(generic)).toBe(true);
        const { config } = await resolveBlock(registry, document, loadSaved);
        expect(JSON.stringify(config)).toBe(JSON.stringify(generic));
      }
    });
  });
});
