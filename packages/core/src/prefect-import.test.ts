import { describe, expect, it } from "vitest";
import {
  convertPrefectFields,
  type PrefectImportContext,
  prefectImageRule,
  prefectInfrastructureRules,
} from "./prefect-import.js";

function recordingContext() {
  const problems: string[] = [];
  const notes: string[] = [];
  const context: PrefectImportContext = {
    problem: (path, message) => problems.push(`${path}: ${message}`),
    note: (path, message) => notes.push(`${path}: ${message}`),
    nested: async (_value, slug) => ({ $ref: `${slug}/nested` }),
  };
  return { context, problems, notes };
}

describe("convertPrefectFields", () => {
  it("renames by rule, skips Prefect's metadata and nulls, and names a field it does not know", async () => {
    const { context, problems } = recordingContext();
    const fields = await convertPrefectFields(
      "thing",
      {
        type: "thing",
        block_type_slug: "thing",
        _block_document_id: "id",
        _block_document_name: "n",
        _is_anonymous: false,
        some_field: 1,
        unset_field: null,
        extra: true,
      },
      { some_field: "someField", unset_field: "unsetField" },
      context,
    );
    expect(fields).toEqual({ someField: 1 });
    expect(problems).toEqual([
      "extra: not a field of Prefect's thing block that infrablocks knows; left out",
    ]);
  });

  it("awaits a rule that writes the output itself, as a nested block does", async () => {
    const { context } = recordingContext();
    const fields = await convertPrefectFields(
      "thing",
      { registry: { username: "u" } },
      {
        registry: async (value, path, out, ctx) => {
          out.registry = await ctx.nested(value, "docker-registry", path);
        },
      },
      context,
    );
    expect(fields).toEqual({ registry: { $ref: "docker-registry/nested" } });
  });

  it("shares the infrastructure fields and notes PREFECT_* variables, and flags Prefect's default image", async () => {
    const { context, problems, notes } = recordingContext();
    const fields = await convertPrefectFields(
      "thing",
      {
        env: { PREFECT_API_URL: "http://x", A: "1" },
        stream_output: false,
        command: ["true"],
        image: "prefecthq/prefect:2-latest",
      },
      { ...prefectInfrastructureRules, image: prefectImageRule },
      context,
    );
    expect(fields).toEqual({
      env: { PREFECT_API_URL: "http://x", A: "1" },
      streamOutput: false,
      command: ["true"],
      image: "prefecthq/prefect:2-latest",
    });
    expect(notes).toEqual([expect.stringMatching(/^env.PREFECT_API_URL: kept as is/)]);
    expect(problems).toEqual([
      expect.stringMatching(/^image: 'prefecthq\/prefect:2-latest' is Prefect's default image/),
    ]);
  });
});
