import { z } from "@infrablocks/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { customizationList, customizationsProblems, notAListMessage } from "./customizations.js";
import { operationProblem, parsePointer } from "./json-patch.js";

/**
 * The patch list as a zod schema with its pointer refinements, as kubernetes-job's schema parsed the
 * customizations text before its checks moved into the type's `check`: the zod-free checks must word
 * every problem as this does.
 */
const pointer = z.string().superRefine((value, context) => {
  try {
    parsePointer(value);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
  }
});
const zodPatchList = z.array(
  z
    .discriminatedUnion(
      "op",
      [
        z.object({ op: z.enum(["add", "replace", "test"]), path: pointer, value: z.unknown() }).strict(),
        z.object({ op: z.literal("remove"), path: pointer }).strict(),
        z.object({ op: z.enum(["move", "copy"]), from: pointer, path: pointer }).strict(),
      ],
      { error: (issue) => operationProblem(issue.input) },
    )
    .superRefine((operation, context) => {
      const problem = operationProblem(operation);
      if (problem !== undefined) context.addIssue({ code: "custom", message: problem });
    }),
);

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
  it("words a text's problems as zod's schema of the list did, at the same paths", () => {
    fc.assert(
      fc.property(patches, (value) => {
        const text = JSON.stringify(value) ?? "null";
        const parsed = zodPatchList.safeParse(JSON.parse(text));
        // A text that holds no list is told so in words of its own (zod's "expected array" would
        // contradict a field that takes text); every other problem is worded as zod's.
        const expected = !Array.isArray(value)
          ? [{ path: "customizations", message: notAListMessage(value) }]
          : parsed.success
            ? []
            : parsed.error.issues.map((issue) => ({
                path: ["customizations", ...issue.path].join("."),
                message: issue.message,
              }));
        const { problems, final } = customizationsProblems(text);
        expect(problems).toEqual(expected);
        expect(final).toBe(expected.length > 0);
        if (parsed.success) expect(customizationList(text)).toEqual(parsed.data);
      }),
      { numRuns: 3_000, seed: 17 },
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
