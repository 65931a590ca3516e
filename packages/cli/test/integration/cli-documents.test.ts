import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";

describe("infrablocks validate and errors", () => {
  it("accepts a valid document", async () => {
    const result = await cli(["validate", "examples/hello-process.yaml"], { home: await freshHome() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("valid process document");
  });

  it("exits 2 naming every bad field's path, with no stack trace", async () => {
    const result = await cli(["validate", "-"], {
      home: await freshHome(),
      input: JSON.stringify({ type: "process", command: ["ok", 3], env: { A: 1 }, colour: "red" }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("command.1");
    expect(result.stderr).toContain("env.A");
    expect(result.stderr).toContain("colour: unknown field");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 for an unknown type, naming the installed ones", async () => {
    const result = await cli(["validate", "-"], { home: await freshHome(), input: "type: teleporter\n" });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("teleporter");
    expect(result.stderr).toContain("process");
  });

  it("exits 2 when the DOC file does not exist, 3 when the saved document does not", async () => {
    const home = await freshHome();
    expect((await cli(["validate", "nowhere.yaml"], { home })).code).toBe(2);
    expect((await cli(["validate", "process/nowhere"], { home })).code).toBe(3);
  });

  it("shows a stack trace only with INFRABLOCKS_DEBUG=1", async () => {
    const result = await cli(["validate", "nowhere.yaml"], {
      home: await freshHome(),
      env: { INFRABLOCKS_DEBUG: "1" },
    });
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it("exits 2 for bad usage", async () => {
    const home = await freshHome();
    expect((await cli(["frobnicate"], { home })).code).toBe(2);
    expect((await cli(["run"], { home })).code).toBe(2);
    expect(
      (await cli(["kill", "examples/hello-process.yaml", "host:1", "--grace", "soon"], { home })).code,
    ).toBe(2);
  });

  it("prints help for every command", async () => {
    const home = await freshHome();
    for (const command of [
      "types",
      "schema",
      "validate",
      "preview",
      "run",
      "kill",
      "save",
      "ls",
      "show",
      "rm",
    ]) {
      const result = await cli([command, "--help"], { home });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: infrablocks ${command}`);
    }
  });
});

describe("infrablocks kill", () => {
  it("exits 3 for a gone process, 4 for another host, 2 for a malformed identifier", async () => {
    const home = await freshHome();
    const example = "examples/hello-process.yaml";
    expect((await cli(["kill", example, "localhost-not-this-one:1"], { home })).code).toBe(4);
    expect((await cli(["kill", example, "garbage"], { home })).code).toBe(2);
    const finished = await cli(["run", "--json", example], { home });
    const identifier = JSON.parse(finished.stdout.split("\n")[0] as string).identifier;
    expect((await cli(["kill", example, identifier], { home })).code).toBe(3);
  });
});

describe("the document store through the CLI", () => {
  it("saves, lists, shows (masked), and removes documents", async () => {
    const home = await freshHome();
    const document = JSON.stringify({
      type: "process",
      command: ["env"],
      env: { SERVICE_PASSWORD: "hunter2-canary", PLAIN: "visible" },
    });
    expect((await cli(["save", "-", "--name", "with-env"], { home, input: document })).code).toBe(0);
    const listed = await cli(["ls", "--json"], { home });
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ slug: "process", name: "with-env" }),
    ]);
    const shown = await cli(["show", "process/with-env"], { home });
    expect(shown.stdout).toContain("PLAIN: visible");
    const preview = await cli(["preview", "process/with-env"], { home });
    expect(preview.stdout).toContain("SERVICE_PASSWORD='********'");
    expect(preview.stdout).not.toContain("hunter2-canary");
    expect((await cli(["rm", "process/with-env"], { home })).code).toBe(0);
    expect((await cli(["show", "process/with-env"], { home })).code).toBe(3);
    expect((await cli(["rm", "process/with-env"], { home })).code).toBe(3);
  });

  it("refuses to save over a name without --overwrite (exit 1) and rejects bad names (exit 2)", async () => {
    const home = await freshHome();
    const example = "examples/hello-process.yaml";
    expect((await cli(["save", example, "--name", "twice"], { home })).code).toBe(0);
    const again = await cli(["save", example, "--name", "twice"], { home });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("--overwrite");
    expect((await cli(["save", example, "--name", "twice", "--overwrite"], { home })).code).toBe(0);
    expect((await cli(["save", example, "--name", "Not_Valid"], { home })).code).toBe(2);
  });

  it("never stores an invalid document", async () => {
    const home = await freshHome();
    const result = await cli(["save", "-", "--name", "broken"], {
      home,
      input: JSON.stringify({ type: "process", command: "not-a-list" }),
    });
    expect(result.code).toBe(2);
    expect(JSON.parse((await cli(["ls", "--json"], { home })).stdout)).toEqual([]);
  });

  it("keeps documents readable by their owner alone", async () => {
    const home = await freshHome();
    await cli(["save", "examples/hello-process.yaml", "--name", "private"], { home });
    const file = await stat(join(home, "documents/process/private.json"));
    expect(file.mode & 0o777).toBe(0o600);
    const folder = await stat(join(home, "documents/process"));
    expect(folder.mode & 0o777).toBe(0o700);
  });

  it("loses nothing when 50 `infrablocks save` processes run at once", async () => {
    const home = await freshHome();
    const names = Array.from({ length: 50 }, (_, index) => `parallel-${index}`);
    const results = await Promise.all(
      names.map((name) => cli(["save", "examples/hello-process.yaml", "--name", name], { home })),
    );
    expect(results.map((result) => result.code)).toEqual(names.map(() => 0));
    const listed = JSON.parse((await cli(["ls", "--json", "--type", "process"], { home })).stdout) as {
      name: string;
    }[];
    expect(listed.map((entry) => entry.name).sort()).toEqual([...names].sort());
  }, 120_000);

  it("runs a document from stdin written as YAML and resolves a saved document by slug/name", async () => {
    const home = await freshHome();
    await writeFile(join(home, "doc.yaml"), "type: process\ncommand: [echo, from-yaml]\n");
    expect((await cli(["save", join(home, "doc.yaml"), "--name", "yaml-doc"], { home })).code).toBe(0);
    const result = await cli(["run", "process/yaml-doc"], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("from-yaml\n");
  });
});
