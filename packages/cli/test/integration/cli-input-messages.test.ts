import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";

describe("messages for input that is not a document, and output that cannot be written", () => {
  it("says a folder is a folder, binary data is binary, and ends a YAML error without a dangling colon", async () => {
    const home = await freshHome();
    const folder = join(home, "docs");
    await mkdir(folder);
    const folderResult = await cli(["validate", folder], { home });
    expect(folderResult.code).toBe(2);
    expect(folderResult.stderr).toContain(`'${folder}' is a folder, not a document file`);

    const binary = join(home, "image.yaml");
    await writeFile(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]));
    const binaryResult = await cli(["validate", binary], { home });
    expect(binaryResult.code).toBe(2);
    expect(binaryResult.stderr).toContain("holds binary data, not text");

    const broken = join(home, "broken.yaml");
    await writeFile(broken, "type: process\ncommand: [echo\n");
    const brokenResult = await cli(["validate", broken], { home });
    expect(brokenResult.code).toBe(2);
    // The problem line ends at the position, not with the colon that led into the quoted text.
    expect(brokenResult.stderr).toMatch(/at line \d+, column \d+\n/);
  }, 30_000);

  it("wraps a schema --out that names a file in a plain message (exit 1), not a raw Node error", async () => {
    const home = await freshHome();
    const file = join(home, "taken");
    await writeFile(file, "x");
    const result = await cli(["schema", "--out", file], { home });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot write the schemas into the folder '${file}'`);
    expect(result.stderr).toContain("is a file");
    expect(result.stderr).not.toContain("EEXIST");
  }, 30_000);

  it("says plainly that a kubeconfig without contexts needs one, never 'one of: none'", async () => {
    const result = await cli(["validate", "-"], {
      home: await freshHome(),
      input: "type: kubernetes-cluster-config\nconfig:\n  apiVersion: v1\n  kind: Config\n  clusters: []\n",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "config: the kubeconfig defines no contexts; add one under 'contexts' (a name, a cluster and a user) and set current-context or contextName to it",
    );
    expect(result.stderr).not.toContain("one of: none");
  }, 30_000);

  it("tells a secret of the wrong type by its kind only: no number or boolean a secret holds is printed", async () => {
    const home = await freshHome();
    const cases = [
      ["type: docker-registry\nusername: ci\npassword: 123456789\nregistryUrl: 127.0.0.1:5000\n", "password"],
      [
        "type: docker-container\nimage: busybox\nimageRegistry:\n  type: docker-registry\n  username: ci\n  password: 987654321\n  registryUrl: 127.0.0.1:5000\n",
        "imageRegistry.password",
      ],
      ["type: process\ncommand: [echo]\nenv:\n  MY_TOKEN: 424242\n", "env.MY_TOKEN"],
      ["type: process\ncommand: [echo]\nenv:\n  API_KEY: true\n", "env.API_KEY"],
    ];
    for (const [input, path] of cases) {
      const result = await cli(["validate", "-"], { home, input });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`${path}: expected text, got (a number|a boolean) \\(`));
      expect(result.stderr).not.toMatch(/123456789|987654321|424242|got true/);
    }
    // Not a secret: the value is told, as it helps.
    const plain = await cli(["validate", "-"], {
      home,
      input: "type: process\ncommand: [echo]\nenv:\n  LEVEL: 3\n",
    });
    expect(plain.stderr).toContain("env.LEVEL: expected text, got the number 3");
  }, 30_000);

  it("validate refuses what run and preview refuse for want of a command, which save still takes", async () => {
    const home = await freshHome();
    for (const input of ["type: process\n", "type: docker-container\nimage: busybox\n"]) {
      const slug = input.slice(6, input.indexOf("\n"));
      const validated = await cli(["validate", "-"], { home, input });
      const previewed = await cli(["preview", "-"], { home, input });
      expect(validated.code).toBe(2);
      expect(previewed.code).toBe(2);
      expect(validated.stderr).toContain(`Invalid ${slug} document (stdin):\n  command: required to run`);
      expect(previewed.stderr).toContain("command: required to run");
    }
    const saved = await cli(["save", "-", "--name", "template"], { home, input: "type: process\n" });
    expect(saved.code, saved.stderr).toBe(0);
  }, 30_000);

  it("reads a .json file that starts with a byte order mark, names an empty env name, and counts in good grammar", async () => {
    const home = await freshHome();
    const folder = join(home, "docs");
    await mkdir(folder);
    const bom = join(folder, "bom.json");
    await writeFile(bom, `\uFEFF${JSON.stringify({ type: "process", command: ["true"] })}`);
    const read = await cli(["validate", bom], { home });
    expect(read.code, read.stderr).toBe(0);

    const empty = await cli(["validate", "-"], {
      home,
      input: 'type: process\ncommand: [x]\nenv:\n  "": v\n',
    });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain(
      'env."": is not an allowed name here: an environment variable name is not empty',
    );

    const one = await cli(["validate", "-"], {
      home,
      input: "$name: a\ntype: process\n---\n$name: b\ntype: process\ncommand: [x]\n",
    });
    expect(one.stderr).toContain("1 of 2 documents in stdin is not valid.");

    const stream =
      "$name: team\ntype: docker-registry\nusername: u\npassword: pw-123456\nregistryUrl: r.example.com\n---\n$name: etl\ntype: docker-container\nimage: r.example.com/etl\ncommand: [x]\nimageRegistry: { $ref: docker-registry/team }\n";
    expect((await cli(["save", "-"], { home, input: stream })).code).toBe(0);
    const removed = await cli(["rm", "docker-registry/team", "--force"], { home });
    expect(removed.stderr).toContain("docker-container/etl still refers to docker-registry/team.");
  }, 30_000);

  it("tells one bound of a huge number, an infinite one as too large, and the allowed value a word was meant to be", async () => {
    const home = await freshHome();
    const problem = async (input: string) =>
      (await cli(["validate", "-"], { home, input })).stderr.trim().split("\n").at(-1);
    expect(await problem("type: process\ncommand: [x]\noutputTailBytes: 99999999999999999999999999\n")).toBe(
      "  outputTailBytes: must be at most 1073741824",
    );
    expect(await problem("type: process\ncommand: [x]\noutputTailBytes: 1e400\n")).toBe(
      "  outputTailBytes: expected a number, got a number too large to hold",
    );
    expect(await problem("type: docker-container\nimage: b\ncommand: [x]\nimagePullPolicy: never\n")).toBe(
      '  imagePullPolicy: must be one of "IfNotPresent", "Always", "Never", got text (did you mean "Never"?)',
    );
  }, 30_000);
});
