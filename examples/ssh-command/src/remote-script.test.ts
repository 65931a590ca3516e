import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { execRequest, runScript, shellQuote } from "./remote-script.js";

/** Runs what the SSH server would run for an exec request: the login shell with -c. */
function asLoginShell(request: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync("sh", ["-c", request], { encoding: "utf8", env: { PATH: process.env.PATH, ...env } });
}

describe("remote scripts", () => {
  it("quote words so that a shell reads back the same argv", () => {
    const words = ["", "two words", "it's", "$HOME", 'a"b', "*", "line\nbreak", "semi;colon", "plain"];
    const printed = asLoginShell(execRequest(runScript(["printf", "%s\\0", ...words], {}, [])));
    const [pid, ...rest] = printed.split("\n");
    expect(Number(pid)).toBeGreaterThan(0);
    expect(rest.join("\n").split("\0").slice(0, -1)).toEqual(words);
    expect(shellQuote("plain")).toBe("plain");
  });

  it("print the pid that the command then runs as", () => {
    const printed = asLoginShell(execRequest(runScript(["sh", "-c", "exec sh -c 'echo $$'"], {}, [])));
    const [pid, own] = printed.trim().split("\n");
    expect(own).toBe(pid);
  });

  it("export the environment and unset the nulls", () => {
    const script = runScript(
      [
        "sh",
        "-c", // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
        'echo "$A|$B|${GONE-unset}"',
      ],
      { A: "it's", B: "$HOME" },
      ["GONE"],
    );
    const printed = asLoginShell(execRequest(script), { GONE: "here" });
    expect(printed.split("\n")[1]).toBe("it's|$HOME|unset");
  });
});
