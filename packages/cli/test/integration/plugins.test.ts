import { mkdir, mkdtemp, realpath, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, freshHome, REPO } from "./cli-support.js";

describe("a project that installs core, the CLI and a third-party driver", () => {
  it("sees the driver's block type in `infrablocks types` and validates its documents, with no code change", async () => {
    const project = await realpath(await mkdtemp(join(tmpdir(), "ib-project-")));
    await mkdir(join(project, "node_modules/@infrablocks"), { recursive: true });
    // As a package manager would lay them out: the packages linked into the project's node_modules.
    await symlink(join(REPO, "packages/core"), join(project, "node_modules/@infrablocks/core"));
    await symlink(join(REPO, "packages/cli"), join(project, "node_modules/@infrablocks/cli"));
    await symlink(join(REPO, "examples/ssh-command"), join(project, "node_modules/infrablocks-ssh-command"));
    const home = await freshHome();
    const bin = join(project, "node_modules/@infrablocks/cli/bin.cjs");

    const types = await cli(["types", "--json"], { home, cwd: project, bin });
    expect(types.code).toBe(0);
    expect(JSON.parse(types.stdout)).toContainEqual(
      expect.objectContaining({ slug: "ssh-command", package: "infrablocks-ssh-command" }),
    );

    await writeFile(
      join(project, "remote.yaml"),
      "type: ssh-command\nhost: build.example.com\nuser: ci\nprivateKey: not-a-real-key\ncommand: [uname, -a]\n",
    );
    const valid = await cli(["validate", join(project, "remote.yaml")], { home, cwd: project, bin });
    expect(valid.stderr).toBe("");
    expect(valid.code).toBe(0);

    // The driver is an ES module importing core, which the CLI requires as CommonJS: one copy of core, so
    // the mark `secret()` put on privateKey is seen, and `show` masks it.
    const saved = await cli(["save", join(project, "remote.yaml"), "--name", "remote"], {
      home,
      cwd: project,
      bin,
    });
    expect(saved.code).toBe(0);
    const shown = await cli(["show", "ssh-command/remote"], { home, cwd: project, bin });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('privateKey: "********"');
    expect(shown.stdout).not.toContain("not-a-real-key");
  });
});
