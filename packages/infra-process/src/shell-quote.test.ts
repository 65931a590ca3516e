import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellQuote } from "./shell-quote.js";

describe("shellQuote", () => {
  it("leaves plain words alone", () => {
    expect(shellQuote("echo")).toBe("echo");
    expect(shellQuote("/usr/bin/env")).toBe("/usr/bin/env");
  });

  it("quotes words a shell would split or expand, so sh reads back the same argv", () => {
    const words = ["", "two words", "it's", "$HOME", 'a"b', "*", "line\nbreak", "semi;colon"];
    const quoted = words.map(shellQuote).join(" ");
    const echoed = execFileSync("sh", ["-c", `for w in ${quoted}; do printf '%s\\0' "$w"; done`], {
      encoding: "utf8",
    });
    expect(echoed.split("\0").slice(0, -1)).toEqual(words);
  });
});
