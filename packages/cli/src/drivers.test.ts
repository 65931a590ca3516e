import { mkdir, mkdtemp, realpath, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BlockRegistry, isInfrablocksError } from "@infrablocks/core";
import { beforeAll, describe, expect, it } from "vitest";
import { discoverDrivers } from "./drivers.js";

const REPO = resolve(import.meta.dirname, "../../..");
const CORE = join(REPO, "packages/core");

declare global {
  var infrablocksLoadedEntries: string[] | undefined;
}

/** Writes a package whose entry records that it was imported and exports plain block type objects. */
async function writePackage(folder: string, packageJson: Record<string, unknown>, slugs: string[] = []) {
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, "package.json"), JSON.stringify(packageJson));
  await writeFile(
    join(folder, "index.js"),
    `globalThis.infrablocksLoadedEntries = [...(globalThis.infrablocksLoadedEntries ?? []), ${JSON.stringify(packageJson.name)}];
export const blockTypes = ${JSON.stringify(slugs.map((slug) => ({ slug, title: slug, package: packageJson.name })))};\n`,
  );
}

const driver = (name: string, blockTypes: unknown, entry: unknown = "./index.js") => ({
  name,
  version: "1.0.0",
  type: "module",
  infrablocks: { blockTypes, entry },
});

describe("driver discovery", () => {
  let root: string;
  let project: string;

  beforeAll(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), "ib-plugins-")));
    project = join(root, "project");
    const modules = join(project, "node_modules");
    await writePackage(join(modules, "near-driver"), driver("near-driver", ["near-type"]), ["near-type"]);
    await writePackage(
      join(modules, "@acme/scoped-driver"),
      driver("@acme/scoped-driver", ["scoped-a", "scoped-b"]),
      ["scoped-a"],
    );
    await writePackage(join(modules, "plain-package"), { name: "plain-package", version: "1.0.0" });
    await writePackage(join(modules, ".pnpm/hidden-driver"), driver("hidden-driver", ["hidden-type"]));
    await writePackage(join(modules, "broken-driver"), driver("broken-driver", "near-type"));
    await writePackage(
      join(modules, "escaping-driver"),
      driver("escaping-driver", ["escape"], "../near-driver/index.js"),
    );
    await writePackage(join(modules, "wrong-slug-driver"), driver("wrong-slug-driver", ["Not A Slug"]));
    await writePackage(
      join(modules, "sneaky-driver"),
      driver("sneaky-driver", ["sneaky"], "./dist/./../../near-driver/index.js"),
    );
    await mkdir(join(modules, "@infrablocks"), { recursive: true });
    await symlink(CORE, join(modules, "@infrablocks/core"));
    // Farther up the tree: one more driver, and an older copy of near-driver that the nearer one shadows.
    await writePackage(join(root, "node_modules/far-driver"), driver("far-driver", ["far-type"]), [
      "far-type",
    ]);
    await writePackage(join(root, "node_modules/near-driver-old"), driver("near-driver", ["near-type"]));
    await mkdir(join(project, "sub/dir"), { recursive: true });
  });

  it("finds drivers by their package.json field, scoped ones and those up the tree, nearest copy first", () => {
    const found = discoverDrivers({ from: [join(project, "sub/dir")], coreFolder: CORE });
    const summary = found.blockTypes.map((entry) => [entry.slug, entry.package, entry.folder]);
    expect(summary).toEqual([
      ["scoped-a", "@acme/scoped-driver", join(project, "node_modules/@acme/scoped-driver")],
      ["scoped-b", "@acme/scoped-driver", join(project, "node_modules/@acme/scoped-driver")],
      ["near-type", "near-driver", join(project, "node_modules/near-driver")],
      ["far-type", "far-driver", join(root, "node_modules/far-driver")],
    ]);
  });

  it("skips packages with an unusable field, saying which and why", () => {
    const { warnings } = discoverDrivers({ from: [project], coreFolder: CORE });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^broken-driver \(.*\): package.json#infrablocks blockTypes must be a non-empty list/,
      ),
      expect.stringMatching(
        /^escaping-driver \(.*\): .*entry '..\/near-driver\/index.js' must be a path inside/,
      ),
      expect.stringMatching(
        /^sneaky-driver \(.*\): .*entry '.\/dist\/.\/..\/..\/near-driver\/index.js' must be a path inside/,
      ),
      expect.stringMatching(/^wrong-slug-driver \(.*\): .*blockTypes holds "Not A Slug", not a slug/),
    ]);
  });

  it("imports a driver's entry only when its type is first used, through a BlockRegistry", async () => {
    const registry = new BlockRegistry(discoverDrivers({ from: [project], coreFolder: CORE }).blockTypes);
    expect(globalThis.infrablocksLoadedEntries ?? []).not.toContain("near-driver");
    expect(registry.packageOf("far-type")).toBe("far-driver");
    const blockType = await registry.get("near-type");
    expect(blockType.slug).toBe("near-type");
    expect(globalThis.infrablocksLoadedEntries).toContain("near-driver");
    expect(globalThis.infrablocksLoadedEntries).not.toContain("far-driver");
  });

  it("names the package when its entry lacks a declared type", async () => {
    const [scopedB] = discoverDrivers({ from: [project], coreFolder: CORE }).blockTypes.filter(
      (entry) => entry.slug === "scoped-b",
    );
    const error = await scopedB?.load().catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "UNKNOWN_BLOCK_TYPE")).toBe(true);
    expect((error as Error).message).toBe(
      "@acme/scoped-driver declares 'scoped-b' in package.json#infrablocks.blockTypes, but its entry ./index.js exports no such block type in blockTypes (found: scoped-a).",
    );
  });

  it("refuses a driver that would use another copy of @infrablocks/core", async () => {
    const other = await realpath(await mkdtemp(join(tmpdir(), "ib-plugins-core-")));
    const folder = join(other, "node_modules/lonely-driver");
    await writePackage(folder, driver("lonely-driver", ["lonely-type"]), ["lonely-type"]);
    await writePackage(join(folder, "node_modules/@infrablocks/core"), {
      name: "@infrablocks/core",
      version: "0.0.1",
      exports: { "./package.json": "./package.json" },
    });
    const [entry] = discoverDrivers({ from: [other], coreFolder: CORE }).blockTypes;
    const error = await entry?.load().catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "DRIVER_DEPENDENCY_MISSING")).toBe(true);
    expect((error as Error).message).toMatch(
      /lonely-driver uses @infrablocks\/core from .*, but the CLI uses /,
    );
  });

  it("rejects two packages that claim one slug, naming both", async () => {
    const clash = await realpath(await mkdtemp(join(tmpdir(), "ib-plugins-clash-")));
    await writePackage(join(clash, "node_modules/first-driver"), driver("first-driver", ["shared-type"]));
    await writePackage(join(clash, "node_modules/second-driver"), driver("second-driver", ["shared-type"]));
    let caught: unknown;
    try {
      discoverDrivers({ from: [clash], coreFolder: CORE });
    } catch (error) {
      caught = error;
    }
    expect(isInfrablocksError(caught, "DUPLICATE_BLOCK_TYPE")).toBe(true);
    expect((caught as Error).message).toMatch(
      /^Block type 'shared-type' is claimed by both first-driver \(.*first-driver\) and second-driver \(.*second-driver\)/,
    );
  });

  it("finds the worked example driver by its package.json field", async () => {
    const home = await realpath(await mkdtemp(join(tmpdir(), "ib-plugins-example-")));
    await mkdir(join(home, "node_modules"));
    await symlink(join(REPO, "examples/ssh-command"), join(home, "node_modules/infrablocks-ssh-command"));
    const found = discoverDrivers({ from: [home], coreFolder: CORE });
    expect(found.warnings).toEqual([]);
    expect(found.blockTypes.map((entry) => [entry.slug, entry.package])).toEqual([
      ["ssh-command", "infrablocks-ssh-command"],
    ]);
  });

  it("searches from the current folder by default", () => {
    const before = process.cwd();
    process.chdir(join(project, "sub/dir"));
    try {
      expect(discoverDrivers().blockTypes.map((entry) => entry.slug)).toContain("near-type");
    } finally {
      process.chdir(before);
    }
  });
});
