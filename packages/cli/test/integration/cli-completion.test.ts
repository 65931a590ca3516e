import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";

/** What bash's completion offers for `words`, the last one being completed. */
function bashCompletes(script: string, words: string[]): string[] {
  const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _infrablocks; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync("bash", ["-c", program, "bash", script, ...words], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
}

describe("infrablocks completion", () => {
  it("bash: completes command names, and each command's options", async () => {
    const home = await freshHome();
    const result = await cli(["completion", "bash"], { home });
    expect(result.code).toBe(0);
    const script = join(home, "completion.bash");
    await writeFile(script, result.stdout);
    expect(bashCompletes(script, ["infrablocks", "s"])).toEqual(["schema", "sweep", "save", "show"]);
    expect(bashCompletes(script, ["infrablocks", "run", "doc.yaml", "--"])).toEqual([
      "--json",
      "--run-id",
      "--grace",
      "--help",
    ]);
    expect(bashCompletes(script, ["infrablocks", "sweep", "--d"])).toEqual(["--dry-run"]);
  });

  it.runIf(existsSync("/usr/bin/zsh") || existsSync("/bin/zsh"))(
    "zsh: a script zsh parses that registers the completion",
    async () => {
      const home = await freshHome();
      const result = await cli(["completion", "zsh"], { home });
      expect(result.code).toBe(0);
      expect(result.stdout.startsWith("#compdef infrablocks\n")).toBe(true);
      const script = join(home, "_infrablocks");
      await writeFile(script, result.stdout);
      const registered = execFileSync(
        "zsh",
        [
          "-f",
          "-c",
          `autoload -U compinit && compinit -u -d "$1/.zcompdump"; source "$2"; print -r -- \${_comps[infrablocks]}`,
          "zsh",
          home,
          script,
        ],
        { encoding: "utf8", env: { ...process.env, HOME: home } },
      );
      expect(registered.trim()).toBe("_infrablocks");
    },
  );

  it("refuses another shell with a usage error (exit 2)", async () => {
    const result = await cli(["completion", "fish"], { home: await freshHome() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("No completion for shell 'fish': choose one of bash, zsh.");
  });
});
