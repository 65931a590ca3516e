import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OutputTail, tailFiles } from "./output-tail.js";

async function kept(folder: string): Promise<string> {
  const files = tailFiles(folder, "stdout");
  const previous = await readFile(files.previous, "utf8").catch(() => "");
  return previous + (await readFile(files.current, "utf8"));
}

describe("OutputTail", () => {
  it("keeps the most recent bytes, contiguous, within two files of the cap", async () => {
    const folder = await mkdtemp(join(tmpdir(), "ib-tail-"));
    const tail = new OutputTail(folder, "stdout", 100);
    let written = "";
    for (let line = 0; line < 500; line++) {
      const text = `line ${line}\n`;
      written += text;
      tail.write(Buffer.from(text));
      // Now and then the disk catches up, so rotations happen between batches as well as within them.
      if (line % 37 === 0) await tail.settled();
    }
    await tail.settled();
    const onDisk = await kept(folder);
    expect(onDisk.length).toBeGreaterThanOrEqual(100);
    expect(onDisk.length).toBeLessThanOrEqual(200);
    expect(written.endsWith(onDisk)).toBe(true);
  });

  it("takes a chunk larger than both files whole, keeping its end", async () => {
    const folder = await mkdtemp(join(tmpdir(), "ib-tail-"));
    const tail = new OutputTail(folder, "stdout", 64);
    const big = Array.from({ length: 1000 }, (_, index) => String(index % 10)).join("");
    tail.write(Buffer.from(big));
    await tail.settled();
    const onDisk = await kept(folder);
    expect(onDisk.length).toBe(128);
    expect(big.endsWith(onDisk)).toBe(true);
  });

  it("starts with an empty current file, so a follower finds it at once", async () => {
    const folder = await mkdtemp(join(tmpdir(), "ib-tail-"));
    new OutputTail(folder, "stderr", 64);
    expect(await readFile(tailFiles(folder, "stderr").current, "utf8")).toBe("");
  });
});
