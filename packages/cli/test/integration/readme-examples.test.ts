import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerAvailable } from "@infrablocks/test-support";
import { cli, freshHome, REPO } from "./cli-support.js";

/**
 * The README's examples, run as written. An example is a `$ infrablocks …` line inside a fenced block;
 * the lines after it, up to the next `$` line or the block's end, are the output it shows (`…` stands
 * for any text), each of which must appear in the command's output. An HTML comment just before the
 * block may say `<!-- readme-test: exit N -->` (its commands exit N, not 0), `needs docker` (run only
 * where a Docker Engine answers; CI's INFRABLOCKS_REQUIRE_DOCKER=1 makes its absence a failure) or
 * `skip <why>` (never run: for services this test does not start, such as a Kubernetes cluster).
 * The commands run in a folder holding a copy of `examples/` and the files in `readme/` (those the
 * README names without showing them), against a fresh `INFRABLOCKS_HOME` per block, so a block may
 * save what its later commands use.
 */
interface Example {
  line: number;
  args: string[];
  expected: string[];
}
interface ExampleBlock {
  line: number;
  exit: number;
  skip: boolean;
  docker: boolean;
  examples: Example[];
}

function readmeExamples(text: string): ExampleBlock[] {
  const lines = text.split("\n");
  const blocks: ExampleBlock[] = [];
  let marker = "";
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    if (!line.startsWith("```")) {
      if (line.trim() !== "") marker = line.match(/^<!-- readme-test: (.*) -->$/)?.[1] ?? "";
      continue;
    }
    const start = index;
    const examples: Example[] = [];
    for (index++; index < lines.length && !lines[index]?.startsWith("```"); index++) {
      const body = lines[index] ?? "";
      const command = body.match(/^\$ infrablocks (.*)$/)?.[1];
      if (command !== undefined) examples.push({ line: index + 1, args: command.split(/\s+/), expected: [] });
      else if (body.trim() !== "") examples.at(-1)?.expected.push(body.trim());
    }
    if (examples.length > 0) {
      const exit = Number(marker.match(/\bexit (\d+)\b/)?.[1] ?? 0);
      const docker = /\bneeds docker\b/.test(marker);
      blocks.push({ line: start + 1, exit, skip: marker.startsWith("skip"), docker, examples });
    }
    marker = "";
  }
  return blocks;
}

const matcher = (expected: string) =>
  new RegExp(
    `^${expected
      .split("…")
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );

const docker = await dockerAvailable();
const blocks = readmeExamples(await readFile(join(REPO, "README.md"), "utf8"));
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "ib-readme-"));
  await cp(join(REPO, "examples"), folder, {
    recursive: true,
    filter: (path) => !path.includes("node_modules"),
  });
  await cp(join(import.meta.dirname, "readme"), folder, { recursive: true });
});

afterAll(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("the README's examples", () => {
  it("are found", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  for (const block of blocks) {
    it.skipIf(block.skip || (block.docker && !docker))(
      `README.md line ${block.line} runs as shown`,
      async () => {
        const home = await freshHome();
        for (const example of block.examples) {
          const result = await cli(example.args, { home, cwd: folder });
          const output = `${result.stdout}\n${result.stderr}`.split("\n").map((line) => line.trim());
          const where = `README.md line ${example.line}: ${result.stderr}`;
          for (const expected of example.expected) {
            expect(
              output.some((line) => matcher(expected).test(line)),
              `${where}\nno output line matches: ${expected}`,
            ).toBe(true);
          }
          expect(result.code, where).toBe(block.exit);
        }
        await rm(home, { recursive: true, force: true });
      },
    );
  }
});
