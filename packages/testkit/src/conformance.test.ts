import { InfrablocksError, z } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { conformanceChecks } from "./conformance.js";
import { fakeOptions, fakeRunType, PASSWORD, TOKEN } from "./fake-block.test-support.js";
import type { ConformanceOptions } from "./options.js";

/** Runs every check that is not skipped; returns the failures by check name. */
async function failures(options: ConformanceOptions): Promise<Record<string, string>> {
  const failed: Record<string, string> = {};
  for (const group of conformanceChecks(options)) {
    for (const check of group.checks) {
      if (check.skip) continue;
      await check.run().catch((error: Error) => {
        failed[check.name] = error.message;
      });
    }
  }
  return failed;
}

function checkNamed(options: ConformanceOptions, fragment: string) {
  const check = conformanceChecks(options)
    .flatMap((group) => group.checks)
    .find((candidate) => candidate.name.includes(fragment));
  if (!check) throw new Error(`no check named like '${fragment}'`);
  return check;
}

describe("conformance checks", () => {
  it("all pass for a well-behaved driver, and none is skipped", async () => {
    const options = fakeOptions();
    expect(await failures(options)).toEqual({});
    const skipped = conformanceChecks(options).flatMap((group) => group.checks.filter((check) => check.skip));
    expect(skipped).toEqual([]);
  });

  it("skip the run checks, saying why, when no runnable options are given", () => {
    const checks = conformanceChecks(fakeOptions({ runnable: "no engine here" }));
    const run = checks.find((group) => group.name === "run and kill");
    expect(run?.checks.length).toBeGreaterThan(0);
    expect(run?.checks.every((check) => check.skip === "no engine here")).toBe(true);
  });

  it("catch a property without a description", async () => {
    const blockType = fakeRunType({}, { colour: z.string().optional() });
    await expect(checkNamed(fakeOptions({ blockType }), "title and a description").run()).rejects.toThrow(
      /colour: no description/,
    );
  });

  it("catch a field of an object-valued field without a description, but not the keys of list items", async () => {
    const blockType = fakeRunType(
      {},
      {
        options: z.object({ retries: z.number() }).optional().meta({ description: "Tuning." }),
        patches: z
          .array(z.object({ op: z.string() }))
          .optional()
          .meta({ description: "Operations." }),
      },
    );
    const error = await checkNamed(fakeOptions({ blockType }), "title and a description")
      .run()
      .catch((caught: Error) => caught);
    expect((error as Error).message).toBe(
      "The exported schema is incomplete:\n  options.retries: no description",
    );
  });

  it("catch a preview that shows a secret-looking environment variable", async () => {
    const blockType = fakeRunType({ preview: async (config) => JSON.stringify(config.env) });
    await expect(checkNamed(fakeOptions({ blockType }), "preview masks").run()).rejects.toThrow(
      /preview shows a secret value/,
    );
  });

  it("catch an error message that echoes a secret", async () => {
    const blockType = fakeRunType(
      {},
      {
        token: z
          .string()
          .refine((value) => value.startsWith("tok-"), {
            error: (issue) => `bad token ${String(issue.input)}`,
          })
          .optional(),
      },
    );
    const options = fakeOptions({
      blockType,
      secretCanary: "leaky-canary-value",
      invalidDocuments: [{ document: { token: "leaky-canary-value" }, path: "token" }],
    });
    await expect(checkNamed(options, "never show a secret").run()).rejects.toThrow(/shows a secret value/);
  });

  it("catch an invalid document whose error names another path", async () => {
    const options = fakeOptions({
      invalidDocuments: [{ document: { command: ["exit", 1] }, path: "command" }],
    });
    await expect(checkNamed(options, "naming the field path").run()).rejects.toThrow(
      /invalidDocuments\[0\]: no issue names 'command'/,
    );
  });

  it("catch a run that never reports its identifier", async () => {
    const blockType = fakeRunType({
      run: async (config) => ({ identifier: "here:1", statusCode: Number(config.command?.[1]) }),
    });
    await expect(checkNamed(fakeOptions({ blockType }), "before it returns").run()).rejects.toThrow(
      /returned before it called onStarted/,
    );
  });

  it("catch a run that loses the exit code", async () => {
    const blockType = fakeRunType({
      run: async (_config, context) => {
        context.onStarted("here:1");
        return { identifier: "here:1", statusCode: 1 };
      },
    });
    await expect(checkNamed(fakeOptions({ blockType }), "non-zero exit code").run()).rejects.toThrow(
      /statusCode is 1 for a command that exits 7/,
    );
  });

  it("catch a kill that calls an unreachable run not found", async () => {
    const blockType = fakeRunType({
      kill: async () => {
        throw new InfrablocksError("INFRASTRUCTURE_NOT_FOUND", "Gone.");
      },
    });
    await expect(checkNamed(fakeOptions({ blockType }), "out of reach").run()).rejects.toThrow(
      /expected InfrablocksError INFRASTRUCTURE_NOT_AVAILABLE, got InfrablocksError INFRASTRUCTURE_NOT_FOUND/,
    );
  });

  it("catch a type with secrets whose validDocument holds none to check", async () => {
    const options = fakeOptions();
    options.validDocument = { command: ["exit", "0", "hello"] };
    await expect(checkNamed(options, "holds a secret value").run()).rejects.toThrow(
      /give one of its secret fields \(token, registry.password\)/,
    );
  });

  it("catch a run whose log shows a secret", async () => {
    const blockType = fakeRunType({
      run: async (config, context) => {
        context.onStarted("here:1");
        context.log.info(`using token ${config.token}`);
        return { identifier: "here:1", statusCode: Number(config.command?.[1]) };
      },
    });
    const failed = await failures(fakeOptions({ blockType }));
    expect(failed[Object.keys(failed).find((name) => name.includes("exit code 0")) ?? ""]).toMatch(
      /the log of a run of exitCommand\(0\) shows a secret value/,
    );
    expect(JSON.stringify(failed)).not.toContain(TOKEN);
    expect(JSON.stringify(failed)).not.toContain(PASSWORD);
  });
});
