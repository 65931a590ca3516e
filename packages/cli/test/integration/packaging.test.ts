import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, REPO } from "./cli-support.js";

const run = promisify(execFile);

/** The published packages: each is packed as `pnpm publish` would, then installed from its tarball. */
const PUBLISHED = [
  "core",
  "infra-process",
  "infra-docker",
  "infra-kubernetes",
  "docker-registry",
  "testkit",
  "cli",
];
const FIXTURES = join(import.meta.dirname, "packaging");

let folder: string;
let project: string;

// One pack and one install for the whole file. npm's linked layout (`--install-strategy=linked`, like
// pnpm's) lets a package see only what it declares, so a .d.ts that names an undeclared package fails
// `tsc` here instead of passing on a hoisted copy. `--prefer-offline` takes the third-party packages
// from npm's cache once they are in it.
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "ib-packaging-"));
  const tarballs = join(folder, "tarballs");
  project = join(folder, "project");
  await mkdir(project);
  const filters = PUBLISHED.flatMap((name) => ["--filter", `@infrablocks/${name}`]);
  await run("pnpm", ["-r", ...filters, "pack", "--pack-destination", tarballs], { cwd: REPO });
  const files = (await readdir(tarballs)).map((file) => join(tarballs, file));
  expect(files).toHaveLength(PUBLISHED.length);
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  await copyFile(join(FIXTURES, "consumer.ts"), join(project, "consumer.ts"));
  await copyFile(join(FIXTURES, "tsconfig.json"), join(project, "tsconfig.json"));
  // Each package README's TypeScript quick start compiles beside the consumer, as a user would paste it
  // (a block importing the package's own sources, as the testkit's driver example does, cannot).
  for (const name of PUBLISHED) {
    const readme = await readFile(join(REPO, "packages", name, "README.md"), "utf8");
    const snippets = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
    for (const [index, snippet] of snippets.entries()) {
      if (!/from "\.\.?\//.test(snippet))
        await writeFile(join(project, `readme-${name}-${index}.ts`), snippet);
    }
  }
  await writeFile(join(project, "hello.yaml"), "type: process\ncommand: [echo, hello from the tarballs]\n");
  const install = ["install", "--install-strategy=linked", "--prefer-offline", "--ignore-scripts"];
  await run("npm", [...install, "--no-audit", "--no-fund", ...files, "@types/node@20"], { cwd: project });
}, 300_000);

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("the packed packages, installed with npm outside the monorepo", () => {
  it("compile a strict program and the READMEs' quick starts with skipLibCheck off; the program runs", async () => {
    const tsc = join(REPO, "node_modules/typescript/bin/tsc");
    const compiled = await run(process.execPath, [tsc, "-p", "."], { cwd: project }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout, failed: true }),
    );
    expect(compiled.stdout).toBe("");
    expect(await readdir(join(project, "dist"))).toEqual(
      expect.arrayContaining([
        "readme-core-0.js",
        "readme-infra-process-0.js",
        "readme-infra-kubernetes-0.js",
      ]),
    );
    const { stdout } = await run(process.execPath, ["dist/consumer.js"], { cwd: project });
    expect(stdout).toContain("hello from the library\n");
    const summary = JSON.parse(stdout.trim().split("\n").at(-1) ?? "");
    expect(summary).toMatchObject({
      types: [
        "docker-container",
        "docker-registry",
        "kubernetes-cluster-config",
        "kubernetes-job",
        "process",
      ],
      statusCode: 0,
      cliStatus: 0,
      jobKind: "Job",
    });
  }, 180_000);

  it("give the installed `infrablocks` command, which finds the installed drivers", async () => {
    expect(existsSync(join(project, "node_modules/.bin/infrablocks"))).toBe(true);
    const bin = join(project, "node_modules/@infrablocks/cli/bin.cjs");
    const home = join(folder, "home");
    const version = await cli(["--version"], { home, bin, cwd: project });
    expect(version).toMatchObject({ code: 0, stdout: "0.1.0\n" });
    const types = await cli(["types"], { home, bin, cwd: project });
    expect(types.code).toBe(0);
    expect(types.stdout).toContain("process");
    const hello = await cli(["run", "hello.yaml"], { home, bin, cwd: project });
    expect(hello).toMatchObject({ code: 0, stdout: "hello from the tarballs\n" });
  });
});
