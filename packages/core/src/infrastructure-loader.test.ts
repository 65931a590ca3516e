import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineBlockType } from "./block-type.js";
import { InfrablocksError } from "./errors.js";
import type { Infrastructure } from "./infrastructure.js";
import { loadInfrastructure, requireCommand } from "./infrastructure-loader.js";
import { caught, registryType } from "./testing-fixtures.test-support.js";

const infrastructure: Infrastructure<unknown> = {
  run: async () => ({ identifier: "host:1", statusCode: 0 }),
  preview: async () => "echo hi",
  kill: async () => {},
};

function runnable(load: () => Promise<Infrastructure<unknown>>, capabilities = ["run-infrastructure"]) {
  return defineBlockType({
    slug: "runnable",
    title: "Runnable",
    description: "Runs.",
    capabilities,
    version: "1.0.0",
    package: "@x/runnable",
    fields: {},
    loadInfrastructure: load as never,
  });
}

describe("requireCommand", () => {
  it.each([
    ["missing", undefined],
    ["empty", []],
  ])("refuses a %s command with EMPTY_COMMAND", (_what, command) => {
    let error: unknown;
    try {
      requireCommand("process", command);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InfrablocksError);
    expect(error).toMatchObject({ code: "EMPTY_COMMAND", blockType: "process" });
    expect((error as Error).message).toMatch(/^\[process\] command: required to run/);
  });

  it("returns a copy of a non-empty command", () => {
    const command = ["echo", "hello"] as const;
    const result = requireCommand("process", command);
    expect(result).toEqual(["echo", "hello"]);
    expect(result).not.toBe(command);
  });
});

describe("loadInfrastructure", () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "infrablocks-loader-"));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("returns the runtime of a type that can run infrastructure", async () => {
    expect(await loadInfrastructure(runnable(async () => infrastructure))).toBe(infrastructure);
  });

  it("refuses a type without the run-infrastructure capability, listing its capabilities", async () => {
    const error = await caught(() => loadInfrastructure(registryType));
    expect(error).toMatchObject({ code: "CAPABILITY_UNSUPPORTED" });
    expect((error as Error).message).toBe(
      "'test-registry' blocks cannot run infrastructure (capabilities: docker-login).",
    );
    let called = false;
    const withLoader = runnable(async () => {
      called = true;
      return infrastructure;
    }, []);
    expect(await caught(() => loadInfrastructure(withLoader))).toMatchObject({
      code: "CAPABILITY_UNSUPPORTED",
      message: "'runnable' blocks cannot run infrastructure (capabilities: none).",
    });
    expect(called).toBe(false);
  });

  it("refuses a run-infrastructure type that has no loader", async () => {
    const type = defineBlockType({
      slug: "no-runtime",
      title: "T",
      description: "D",
      capabilities: ["run-infrastructure"],
      version: "1",
      package: "p",
      fields: {},
    });
    expect(await caught(() => loadInfrastructure(type))).toMatchObject({ code: "CAPABILITY_UNSUPPORTED" });
  });

  it("turns a real missing SDK (ERR_MODULE_NOT_FOUND) into DRIVER_DEPENDENCY_MISSING", async () => {
    const runtime = join(folder, "runtime.mjs");
    await writeFile(runtime, 'import "infrablocks-sdk-that-is-not-installed";\nexport default {};\n');
    const type = runnable(() => import(/* @vite-ignore */ pathToFileURL(runtime).href));
    const error = await caught(() => loadInfrastructure(type));
    expect(error).toBeInstanceOf(InfrablocksError);
    expect(error).toMatchObject({ code: "DRIVER_DEPENDENCY_MISSING", blockType: "runnable" });
    expect((error as Error).message).toMatch(/^\[runnable\] Cannot load the runtime of @x\/runnable: /);
    expect((error as Error).message).toContain("infrablocks-sdk-that-is-not-installed");
    expect((error as Error).message).toContain("Reinstall @x/runnable with its dependencies.");
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe("ERR_MODULE_NOT_FOUND");
  });

  it("passes any other failure through unchanged", async () => {
    const failure = Object.assign(new Error("boom"), { code: "EACCES" });
    expect(await caught(() => loadInfrastructure(runnable(() => Promise.reject(failure))))).toBe(failure);
  });
});
