import { BlockRegistry, type InfrablocksError, resolveBlock } from "@infrablocks/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { customizationList, customizationsProblems, notAListMessage } from "./customizations.js";
import { kubernetesJobBlockType } from "./kubernetes-job-block.js";

const registry = new BlockRegistry([kubernetesJobBlockType]);

/** The problem lines the same patch given as a list is told, as `validate` prints them. */
async function listFormLines(list: unknown): Promise<string[]> {
  const document = { type: "kubernetes-job", image: "busybox:1.36", customizations: list };
  try {
    await resolveBlock(registry, document, async () => ({}));
    return [];
  } catch (error) {
    return [...(error as InfrablocksError).issues];
  }
}

const pointers = fc.oneof(
  fc.constantFrom("", "/spec/x", "/a~1b", "no-slash", "/__proto__/x", "/constructor", "/a/prototype"),
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.constant(null),
);
const operations = fc.record(
  {
    op: fc.oneof(
      fc.constantFrom("add", "remove", "replace", "test", "move", "copy", "delete", ""),
      fc.integer(),
    ),
    path: pointers,
    from: pointers,
    value: fc.jsonValue({ maxDepth: 1 }),
    extra: fc.jsonValue({ maxDepth: 0 }),
    other: fc.constant(1),
  },
  { requiredKeys: [] },
);
const patches = fc.oneof(
  fc.array(fc.oneof(operations, fc.jsonValue({ maxDepth: 1 })), { maxLength: 4 }),
  fc.jsonValue({ maxDepth: 2 }),
);

describe("customizations", () => {
  it("tells a text's problems as the same patch given as a list is told them, at the same paths", async () => {
    await fc.assert(
      fc.asyncProperty(patches, async (value) => {
        const text = JSON.stringify(value) ?? "null";
        const { problems, final } = customizationsProblems(text);
        const lines = problems.map((problem) => `${problem.path}: ${problem.message}`);
        // A text that holds no list is told so in words of its own: "expected a list" would contradict
        // a field that takes text.
        const expected = Array.isArray(value)
          ? await listFormLines(JSON.parse(text))
          : [`customizations: ${notAListMessage(value)}`];
        expect(lines).toEqual(expected);
        expect(final).toBe(expected.length > 0);
        if (expected.length === 0) expect(customizationList(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 1_000, seed: 17 },
    );
  });

  it("reports a list's bad pointers, from before path, and keeps a list as given", () => {
    const list = [
      { op: "move" as const, from: "nope", path: "/__proto__" },
      { op: "add" as const, path: "/spec/x", value: 1 },
    ];
    expect(customizationsProblems(list)).toEqual({
      problems: [
        { path: "customizations.0.from", message: "'nope' is not a JSON pointer: it must start with '/'" },
        {
          path: "customizations.0.path",
          message: "'/__proto__' has the segment '__proto__', which is not allowed",
        },
      ],
      final: false,
    });
    expect(customizationList(list)).toBe(list);
  });

  it("names text that is not JSON or YAML without echoing it", () => {
    const { problems, final } = customizationsProblems("[{ s3cr3t");
    expect(problems).toEqual([
      {
        path: "customizations",
        message: expect.stringMatching(/^the customizations text is not valid JSON or YAML: .*line 1/),
      },
    ]);
    expect(problems[0]?.message).not.toContain("s3cr3t");
    expect(final).toBe(true);
  });
});
