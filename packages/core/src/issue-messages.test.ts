import { describe, expect, it } from "vitest";
import { z } from "zod";
import { issueSentence } from "./issue-messages.js";

/** The sentence for each issue a schema gives for `input`, keyed by path. */
function sentences(schema: z.ZodType, input: Record<string, unknown>): Record<string, string> {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("expected the input to be refused");
  return Object.fromEntries(
    result.error.issues.map((issue) => {
      const value = issue.path.reduce<unknown>(
        (node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key],
        input,
      );
      return [issue.path.join("."), issueSentence(issue, value)];
    }),
  );
}

describe("issueSentence", () => {
  it("words every zod issue kind our schemas produce plainly, never in zod's own terms", () => {
    const schema = z
      .object({
        missing: z.string(),
        positive: z.number().positive(),
        whole: z.number().int(),
        big: z.number().max(5),
        text: z.string().min(1),
        list: z.array(z.string()).min(1),
        choice: z.enum(["x", "y"]),
        union: z.union([z.number(), z.literal("all")]),
        names: z.record(z.string().regex(/^[A-Z]+$/), z.string()),
        even: z.number().multipleOf(2),
        url: z.string().url(),
        command: z.array(z.string()),
        custom: z.string().refine(() => false, "must name a file"),
      })
      .strict();
    const words = sentences(schema, {
      positive: 0,
      whole: 1.5,
      big: 6,
      text: "",
      list: [],
      choice: "z",
      union: true,
      names: { lower: "v" },
      even: 3,
      url: "nope",
      command: ["echo", 31],
      custom: "x",
      extra: 1,
    });
    expect(words).toEqual({
      missing: "required (text)",
      positive: "must be more than 0",
      whole: "expected a whole number, got the number 1.5",
      big: "must be at most 5",
      text: "must be at least 1 character long",
      list: "must hold at least 1 item",
      choice: 'must be one of "x", "y", got text',
      union: 'expected a number or "all", got true',
      "names.lower": "is not an allowed name here: must match the pattern /^[A-Z]+$/",
      even: "must be a multiple of 2",
      url: "must be a URL such as https://example.com",
      "command.1":
        "expected text, got the number 31 (YAML reads unquoted numbers, hex like 0x1F and true/false as such; put the value in quotes to keep it as text)",
      custom: "must name a file",
      "": "unknown field extra",
    });
    for (const sentence of Object.values(words))
      expect(sentence).not.toMatch(/Invalid|Too small|>=|received/);
  });

  it("reports the broken rule of the alternative whose type matched", () => {
    const size = z.union([
      z.number().int().min(10),
      z.string().regex(/^\d+m$/, "is not a size such as 512m"),
    ]);
    expect(sentences(z.object({ size }), { size: 3 })).toEqual({ size: "must be at least 10" });
    expect(sentences(z.object({ size }), { size: "lots" })).toEqual({ size: "is not a size such as 512m" });
  });
});
