import {
  exportBlockSchema,
  isInfrablocksError,
  MASK,
  maskDocument,
  nestedBlockTypeOf,
  blockFields,
  secretFieldPaths,
} from "@infrablocks/core";
import type { ConformanceCheck, ConformanceOptions, DocumentFields } from "./options.js";
import { assertNoSecret, expectCode, fail, rejection, resolve, secretNeedles, withType } from "./support.js";

/** A key no block type defines, used to check that unknown fields are errors. */
export const UNKNOWN_FIELD = "conformanceUnknownField";

interface BrokenDocument {
  document: DocumentFields;
  /** The field path the error must name. */
  path: string;
  what: string;
}

export function documentChecks(options: ConformanceOptions): ConformanceCheck[] {
  const { blockType } = options;
  return [
    {
      name: "validDocument is accepted",
      async run() {
        await resolve(blockType, options.validDocument).catch((error: Error) =>
          fail(`validDocument is rejected: ${error.message}`),
        );
      },
    },
    {
      name: "invalid documents are rejected with INVALID_DOCUMENT naming the field path",
      async run() {
        const problems: string[] = [];
        for (const broken of brokenDocuments(options)) {
          const error = await resolve(blockType, broken.document).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          if (!isInfrablocksError(error, "INVALID_DOCUMENT")) {
            problems.push(`${broken.what}: ${error ? `threw ${(error as Error).message}` : "was accepted"}`);
          } else if (!error.issues.some((issue) => issue.startsWith(`${broken.path}:`))) {
            problems.push(
              `${broken.what}: no issue names '${broken.path}' (issues: ${error.issues.join("; ")})`,
            );
          }
        }
        if (problems.length > 0)
          fail(`Invalid documents were not reported as they should be:\n  ${problems.join("\n  ")}`);
      },
    },
    {
      name: "validDocument holds a secret value to check masking with (types with secret fields)",
      skip: secretFieldPaths(blockType).length === 0 ? "the type has no secret fields" : undefined,
      async run() {
        if (secretNeedles(options).length === 0) {
          fail(
            `validDocument holds no secret value of 8 characters or more; give one of its secret fields (${secretFieldPaths(blockType).join(", ")}) a distinctive value, or pass secretCanary.`,
          );
        }
      },
    },
    {
      name: "maskDocument masks every secret of validDocument",
      skip: secretFieldPaths(blockType).length === 0 ? "the type has no secret fields" : undefined,
      async run() {
        const masked = JSON.stringify(maskDocument(blockType, withType(blockType, options.validDocument)));
        assertNoSecret([masked], secretNeedles(options), "maskDocument(validDocument)");
        if (secretNeedles(options).length > 0 && !masked.includes(MASK)) {
          fail(`maskDocument(validDocument) holds no ${MASK}, though validDocument holds secrets.`);
        }
      },
    },
    {
      name: "errors about invalid documents never show a secret value",
      async run() {
        const needles = secretNeedles(options);
        for (const broken of brokenDocuments(options)) {
          const error = await rejection(() => resolve(blockType, broken.document), broken.what);
          const texts = [(error as Error).message, ...(isInfrablocksError(error) ? error.issues : [])];
          assertNoSecret(texts, needles, `The error for ${broken.what}`);
        }
        const unknownType = await rejection(
          () => resolve(blockType, { ...options.validDocument, type: `${blockType.slug}-unknown` }),
          "a document of an unknown type",
        );
        expectCode(unknownType, "UNKNOWN_BLOCK_TYPE", "a document of an unknown type");
        assertNoSecret([(unknownType as Error).message], needles, "The error for an unknown type");
      },
    },
  ];
}

/**
 * The author's invalid documents, plus broken copies of validDocument (which carries its secrets):
 * an unknown field, an unknown field inside each inline nested block, and each required field left out.
 */
function brokenDocuments(options: ConformanceOptions): BrokenDocument[] {
  const { blockType, validDocument } = options;
  const broken: BrokenDocument[] = (options.invalidDocuments ?? []).map(({ document, path }, index) => ({
    document,
    path,
    what: `invalidDocuments[${index}]`,
  }));
  broken.push({
    document: { ...validDocument, [UNKNOWN_FIELD]: "x" },
    path: UNKNOWN_FIELD,
    what: "validDocument plus an unknown field",
  });
  for (const [name, field] of Object.entries(blockFields(blockType))) {
    const value = validDocument[name];
    if (!nestedBlockTypeOf(field) || value === null || typeof value !== "object" || "$ref" in value) continue;
    broken.push({
      document: { ...validDocument, [name]: { ...value, [UNKNOWN_FIELD]: "x" } },
      path: `${name}.${UNKNOWN_FIELD}`,
      what: `validDocument with an unknown field in ${name}`,
    });
  }
  for (const name of exportBlockSchema(blockType).required) {
    const { [name]: _, ...rest } = withType(blockType, validDocument);
    broken.push({ document: rest, path: name, what: `validDocument without its required field ${name}` });
  }
  return broken;
}
