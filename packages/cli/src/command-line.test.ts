import { describe, expect, it } from "vitest";
import { parseCommandLine } from "./command-line.js";
import { parseWithCommander } from "./commander-program.js";

/** What commander hands a command for this line: its name and values, or its exit status. */
async function byCommander(argv: string[]): Promise<unknown> {
  let seen: unknown;
  const status = await parseWithCommander(argv, async (spec, params) => {
    seen = { name: spec.name, params };
    return 0;
  });
  return seen ?? { status };
}

const WELL_FORMED = [
  ["types"],
  ["types", "--json"],
  ["schema"],
  ["schema", "process", "--out", "schemas/"],
  ["validate", "doc.yaml"],
  ["validate", "-"],
  ["run", "job.yaml", "--json", "--run-id", "nightly-1", "--grace", "10"],
  ["run", "process/nightly"],
  ["attach", "job.yaml", "3f2a9c1e"],
  ["sweep", "job.yaml", "--older-than", "2h", "--dry-run"],
  ["save", "two.yaml", "--name", "a", "--name", "b", "--overwrite"],
  ["kill", "job.yaml", "myhost:4242", "--grace", "0"],
  ["ui", "--port", "0"],
];

const FOR_COMMANDER = [
  [],
  ["--help"],
  ["run", "--help"],
  ["-V"],
  ["frobnicate"],
  ["validate"],
  ["validate", "a.yaml", "b.yaml"],
  ["run", "job.yaml", "--grace", "soon"],
  ["run", "job.yaml", "--colour"],
  ["run", "job.yaml", "--grace"],
  ["run", "--", "job.yaml"],
  ["types", "--json=yes"],
];

describe("parseCommandLine", () => {
  it.each(WELL_FORMED)("reads %j as commander does", async (...argv) => {
    const parsed = parseCommandLine(argv);
    expect(parsed).toBeDefined();
    expect({ name: parsed?.spec.name, params: parsed?.params }).toEqual(await byCommander(argv));
  });

  it.each(FOR_COMMANDER)("leaves %j to commander (help, version, usage errors)", (...argv) => {
    expect(parseCommandLine(argv)).toBeUndefined();
  });
});
