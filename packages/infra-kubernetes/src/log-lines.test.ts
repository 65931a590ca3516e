import { describe, expect, it } from "vitest";
import { LogLines } from "./log-lines.js";

/** A log as the kubelet sends it with timestamps=true; two lines share a second, one is empty. */
const LOG = [
  "2024-01-01T00:00:00.1Z first",
  "2024-01-01T00:00:00.2Z ",
  "2024-01-01T00:00:00.2Z third",
  "2024-01-01T00:00:01Z fourth",
].join("\n");

/** Lines from the start of `since`'s second on, as the apiserver answers a resumed request. */
function resent(since: string | undefined): string {
  if (since === undefined) return LOG;
  const second = since.slice(0, 19);
  const lines = LOG.split("\n");
  const from = lines.findIndex((line) => line.slice(0, 19) >= second);
  return lines.slice(from).join("\n");
}

describe("LogLines", () => {
  it("writes only whole lines when a response is cut anywhere, each once when resumed, and the unterminated last line at the end", () => {
    for (let cut = 0; cut <= LOG.length; cut++) {
      const written: string[] = [];
      const lines = new LogLines((text) => {
        written.push(text);
        return true;
      });
      lines.begin();
      lines.push(Buffer.from(LOG.slice(0, cut)));
      const first = lines.end();
      const whole = LOG.slice(0, cut).split("\n").slice(0, -1);
      expect(first.lines, `cut after ${cut} bytes`).toBe(whole.length);
      expect(written.join("")).toBe(whole.map((line) => `${line.slice(line.indexOf(" ") + 1)}\n`).join(""));
      // Resumed from the last whole line's second, twice: the second brings nothing new.
      for (const more of [true, false]) {
        lines.begin();
        lines.push(Buffer.from(resent(lines.sinceTime)));
        const { lines: count, partial } = lines.end();
        expect(partial).toBe("2024-01-01T00:00:01Z fourth");
        expect(count > 0).toBe(more && cut < LOG.length - "fourth".length - 21);
        if (!more) lines.finish(partial);
      }
      expect(written.join(""), `cut after ${cut} bytes`).toBe("first\n\nthird\nfourth");
    }
  });

  it("keeps text cut inside the timestamp, and a line without a timestamp, as they are", () => {
    const written: string[] = [];
    const lines = new LogLines((text) => {
      written.push(text);
      return true;
    });
    lines.begin();
    lines.push(Buffer.from("no timestamp here\n2024-01-01T00:0"));
    expect(lines.end()).toEqual({ lines: 1, partial: "2024-01-01T00:0" });
    lines.finish("2024-01-01T00:0");
    expect(written).toEqual(["no timestamp here\n"]);
  });
});
