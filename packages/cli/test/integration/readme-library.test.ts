// The README's Library section is true: every TypeScript block type-checks against the packages and
// runs (against their builds, as a user's script would), printing the output the README shows. It
// lives here because the CLI's package is the one that has every driver at hand.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { REPO } from "./cli-support.js";

const PACKAGE = join(REPO, "packages/cli");

interface Example {
  code: string;
  /** The `text` block that follows it: what the example prints on stdout. */
  output: string | undefined;
}

/** The ```ts blocks of the README's `## Library` section, each with the ```text block right after it. */
function libraryExamples(): Example[] {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const start = readme.indexOf("\n## Library\n");
  if (start === -1) throw new Error("README.md has no '## Library' section");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```\n(?:\s*```text\n([\s\S]*?)```\n)?/g)];
  return blocks.map((match) => ({ code: match[1] as string, output: match[2] }));
}

/** Type-checks the examples as modules of this package (its tsconfig, its dependencies). */
function typeErrors(files: Map<string, string>): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(PACKAGE, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!config) throw new Error("cannot read the CLI's tsconfig.json");
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, language, ...rest) => {
    const text = files.get(name);
    return text === undefined
      ? getSourceFile.call(host, name, language, ...rest)
      : ts.createSourceFile(name, text, language);
  };
  const fileExists = host.fileExists;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  const program = ts.createProgram([...files.keys()], config.options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (diagnostic) =>
        `${diagnostic.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`,
    );
}

describe("README: Library", () => {
  const examples = libraryExamples();
  const builds = ["core", "infra-process", "infra-docker"].map((name) =>
    join(REPO, `packages/${name}/dist/index.cjs`),
  );

  it("has examples, and each type-checks", { timeout: 120_000 }, () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
    const files = new Map(
      examples.map((example, index) => [
        join(PACKAGE, `test/integration/readme-example-${index + 1}.ts`),
        example.code,
      ]),
    );
    expect(typeErrors(files)).toEqual([]);
  });

  it.each(examples.map((example, index) => [index + 1, example] as const))(
    "example %i runs and prints what the README shows",
    async (_number, example) => {
      for (const build of builds) {
        if (!existsSync(build))
          throw new Error(`${build} is missing: run \`pnpm build\` first (\`pnpm test\` does).`);
      }
      const javascript = ts.transpileModule(example.code, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      // Evaluated from the CLI's folder, so that the packages resolve as they would for a script there.
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--input-type=module", "-e", javascript],
        {
          cwd: PACKAGE,
          env: { ...process.env, INFRABLOCKS_HOME: join(PACKAGE, "no-such-home") },
        },
      );
      if (example.output !== undefined) expect(stdout).toBe(example.output);
    },
  );
});
