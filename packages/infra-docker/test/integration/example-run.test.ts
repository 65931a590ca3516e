import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { dockerAvailable, type LocalRegistry, startLocalRegistry } from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../../../..");
const run = promisify(execFile);

/** Runs the built `infrablocks` command as a user would; resolves with its exit code and output. */
async function infrablocks(args: string[], home: string) {
  const child = run(process.execPath, [join(REPO, "packages/cli/bin.cjs"), ...args], {
    cwd: REPO,
    env: { ...process.env, INFRABLOCKS_HOME: home },
  });
  return child.then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe.runIf(await dockerAvailable())("examples/docker-busybox.yaml through the CLI", () => {
  let registry: LocalRegistry;
  beforeAll(async () => {
    registry = await startLocalRegistry();
  }, 120_000);
  afterAll(() => registry?.stop());

  it("pulls busybox from a private registry with saved credentials, streams its output, exits with its status", async () => {
    const home = await mkdtemp(join(tmpdir(), "ib-example-"));
    // The example as shipped, pointed at this test's registry instead of 127.0.0.1:5000.
    const credentials = (await readFile(join(REPO, "examples/docker-registry-local.yaml"), "utf8"))
      .replace(/^username: .*$/m, `username: ${registry.username}`)
      .replace(/^password: .*$/m, `password: ${registry.password}`)
      .replace(/^registryUrl: .*$/m, `registryUrl: ${registry.address}`);
    const example = (await readFile(join(REPO, "examples/docker-busybox.yaml"), "utf8")).replace(
      /^image: .*$/m,
      `image: ${registry.image}`,
    );
    await writeFile(join(home, "registry.yaml"), credentials);
    await writeFile(join(home, "container.yaml"), example);

    const saved = await infrablocks(["save", join(home, "registry.yaml"), "--name", "local"], home);
    expect(saved.code).toBe(0);
    const result = await infrablocks(["run", join(home, "container.yaml")], home);

    expect(result.stderr).not.toContain("error:");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^hello from [0-9a-f]{12} as 0\n$/);
    expect(result.stderr).toContain("progress goes to stderr");
    expect(result.stderr).toContain(`Pulling image '${registry.image}'`);
    expect(result.stderr).not.toContain(registry.password);
  }, 120_000);
});
