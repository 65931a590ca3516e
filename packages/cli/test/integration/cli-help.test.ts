import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/command-table.js";
import { cli, freshHome } from "./cli-support.js";

const DOC_SENTENCE =
  "DOC is a path to a JSON or YAML file, '-' for standard input, or <slug>/<name> of a saved document (a file of that path wins).";

describe("infrablocks --help", () => {
  it("lists every command once, explains DOC once, and shows examples, the environment and the exit statuses", async () => {
    const help = await cli(["--help"], { home: await freshHome() });
    expect(help.code).toBe(0);
    for (const { name } of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    expect(help.stdout.split(DOC_SENTENCE)).toHaveLength(2);
    expect(help.stdout).toContain("Examples:\n  $ infrablocks ");

    const environment = section(help.stdout, "Environment:");
    for (const variable of [
      "INFRABLOCKS_HOME",
      "INFRABLOCKS_DEBUG",
      "DOCKER_HOST",
      "DOCKER_CONTEXT",
      "KUBECONFIG",
    ]) {
      expect(environment).toMatch(new RegExp(`^  ${variable} +\\S`, "m"));
    }
    const exitStatus = section(help.stdout, "Exit status:");
    const codes = [...exitStatus.matchAll(/^ {2}([0-9-]+) /gm)].map((match) => match[1]);
    expect(codes).toEqual(["0", "0-255", "2", "3", "4", "127", "1"]);
    expect(exitStatus).toContain("128+N");
    expect(exitStatus).toContain("without --overwrite");
  });

  it.each(COMMANDS.map((spec) => [spec.name, spec] as const))(
    "`%s --help` shows its examples, and what DOC is when it takes one",
    async (name, spec) => {
      const help = await cli([name, "--help"], { home: await freshHome() });
      expect(help.code).toBe(0);
      const examples = section(help.stdout, "Examples:");
      expect(examples.split("\n").filter((line) => line.startsWith(`  $ infrablocks `))).toHaveLength(
        spec.examples.length,
      );
      expect(examples).toMatch(/^ {2}\$ infrablocks /);
      expect(help.stdout.includes(DOC_SENTENCE)).toBe(spec.takesDoc === true);
    },
  );
});

/** The lines after `heading` up to the next blank line. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n${heading}\n`);
  expect(start, `no '${heading}' section in:\n${text}`).toBeGreaterThanOrEqual(0);
  const body = text.slice(start + heading.length + 2);
  const end = body.indexOf("\n\n");
  return end === -1 ? body : body.slice(0, end);
}
