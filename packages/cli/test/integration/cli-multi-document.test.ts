import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";

const PASSWORD = "multi-doc-password-7c1e";
/** A registry and a container that refers to it, in one file, as import-prefect --out or a user writes it. */
const STREAM = `$name: team
type: docker-registry
username: ci
password: ${PASSWORD}
registryUrl: registry.example.com
---
$name: etl
type: docker-container
image: registry.example.com/etl:1.0
command: [echo, hi]
imageRegistry: { $ref: docker-registry/team }
`;

async function fileWith(text: string, name = "blocks.yaml"): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "ib-multi-")), name);
  await writeFile(path, text);
  return path;
}

describe("multi-document files", () => {
  it("validate reports each document by position and name, a $ref among them resolved within the file", async () => {
    const file = await fileWith(STREAM);
    const result = await cli(["validate", file], { home: await freshHome() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(
      `${file}#1 docker-registry/team: a valid docker-registry document\n${file}#2 docker-container/etl: a valid docker-container document\n`,
    );
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it("validate checks every document, names the invalid ones and exits 2", async () => {
    const input = `${STREAM}---\ntype: process\ncommand: [true, 1]\n---\n$name: bad\ntype: docker-registry\n`;
    const result = await cli(["validate", "-"], { home: await freshHome(), input });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("stdin#2 docker-container/etl: a valid docker-container document");
    expect(result.stderr).toContain("error: Invalid process document (stdin#3 process):\n  command.0: ");
    expect(result.stderr).toContain("error: Invalid docker-registry document (stdin#4 docker-registry/bad):");
    expect(result.stderr).toContain("2 of 4 documents in stdin are not valid.");
  });

  it("save stores every document under its $name, or the --names given in order", async () => {
    const home = await freshHome();
    const file = await fileWith(STREAM);
    const saved = await cli(["save", file], { home });
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stderr).toMatch(/Saved docker-registry\/team .*\nSaved docker-container\/etl /);
    const shown = await cli(["show", "docker-container/etl"], { home });
    expect(shown.stdout).toContain("$ref: docker-registry/team");
    // Named by show (first, as save reads it back), not stored in the document.
    expect(shown.stdout.match(/\$name/g)).toEqual(["$name"]);
    expect(shown.stdout.startsWith("$name: etl\n")).toBe(true);
    expect((await cli(["show", "docker-container/etl", "--json"], { home })).stdout).not.toContain("$name");
    expect((await cli(["show", "docker-registry/team", "--reveal"], { home })).stdout).toContain(PASSWORD);
    expect((await cli(["preview", "docker-container/etl"], { home })).code).toBe(0);

    const renamed = await cli(["save", file, "--name", "team", "--name", "etl-2"], {
      home: await freshHome(),
    });
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.stderr).toContain("Saved docker-container/etl-2");
  });

  it("save refuses a file with too few names, or an invalid document, and saves nothing", async () => {
    const home = await freshHome();
    const file = await fileWith(STREAM);
    const oneName = await cli(["save", file, "--name", "only"], { home });
    expect(oneName.code).toBe(2);
    expect(oneName.stderr).toContain(
      "holds 2 documents but 1 --name was given: give --name once per document, in order, or none",
    );
    const unnamed = await cli(["save", "-"], {
      home,
      input: "type: process\n---\n$name: b\ntype: process\n",
    });
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain("No name for stdin#1 process: pass --name NAME");
    const broken = await cli(["save", "-"], {
      home,
      input: `${STREAM}---\n$name: x\ntype: process\ncolour: red\n`,
    });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("Invalid process document (stdin#3 process/x):\n  colour: unknown field");
    expect((await cli(["ls"], { home })).stderr).toContain("No saved documents.");
  });

  it("save saves nothing when one document of the file is already saved, or two would be saved as one", async () => {
    const home = await freshHome();
    expect(
      (await cli(["save", "-"], { home, input: "$name: taken\ntype: process\ncommand: [old]\n" })).code,
    ).toBe(0);
    const clash = await cli(["save", "-"], {
      home,
      input:
        "$name: fresh-one\ntype: process\ncommand: [a]\n---\n$name: taken\ntype: process\ncommand: [b]\n",
    });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(
      "process/taken is already saved; pass --overwrite to replace it. Nothing from stdin was saved.",
    );
    const twice = await cli(["save", "-"], {
      home,
      input: "$name: same\ntype: process\ncommand: [a]\n---\n$name: same\ntype: process\ncommand: [b]\n",
    });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(
      "stdin: stdin#1 process/same and stdin#2 process/same would both be saved as process/same; give each its own $name (or --name). Nothing was saved.",
    );
    const listed = (await cli(["ls"], { home })).stdout;
    expect(listed).toContain("process/taken");
    expect(listed).not.toMatch(/fresh-one|process\/same/);
    expect((await cli(["show", "process/taken"], { home })).stdout).toContain("old");
  });

  it("a lone document keeps working, --name winning over its $name", async () => {
    const home = await freshHome();
    const file = await fileWith("$name: mine\ntype: process\ncommand: [echo, hi]\n");
    expect((await cli(["save", file], { home })).stderr).toContain("Saved process/mine");
    expect((await cli(["save", file, "--name", "other"], { home })).stderr).toContain("Saved process/other");
    const validated = await cli(["validate", file], { home });
    expect(validated.stdout).toBe(`${file}: a valid process document\n`);
  });

  it("preview and run take one document, and say which ones a file holds", async () => {
    const file = await fileWith(STREAM);
    for (const command of ["preview", "run"]) {
      const result = await cli([command, file], { home: await freshHome() });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `error: ${file} holds 2 documents (${file}#1 docker-registry/team, ${file}#2 docker-container/etl); ${command} takes one. Save them (infrablocks save ${file}) and name one as SLUG/NAME, or put it in a file of its own.\n`,
      );
    }
  });

  it("a .json file stays one strict JSON document", async () => {
    const file = await fileWith(
      '{"type": "process", "command": ["true"]}\n---\n{"type": "process"}\n',
      "two.json",
    );
    const result = await cli(["validate", file], { home: await freshHome() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("not valid JSON");
  });
});
