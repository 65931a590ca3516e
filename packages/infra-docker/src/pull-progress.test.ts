import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ProgressOutput } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { formatBytes, type PullEvent, PullProgress } from "./pull-progress.js";

/** A real pull of a 12 MB and a 5 MB layer over two present ones, as Docker Engine 20.10 reported it. */
const RECORDED: PullEvent[] = readFileSync(
  join(import.meta.dirname, "../test/fixtures/pull-events.jsonl"),
  "utf8",
)
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as PullEvent);
const IMAGE = "127.0.0.1:44813/infrablocks/big:1.0";

function output(terminal: boolean, columns?: number): ProgressOutput & { text: string } {
  return {
    terminal,
    columns,
    text: "",
    write(text) {
      this.text += text;
    },
  };
}

/** Feeds the events, the clock moving `stepMs` before each. */
function feed(progress: PullProgress, clock: { now: number }, events: PullEvent[], stepMs: number): void {
  for (const event of events) {
    clock.now += stepMs;
    progress.update(event);
  }
}

/** What a terminal shows after the text is written: cursor-up and erase-line applied. */
function screen(text: string): string[] {
  const rows: string[] = [];
  let row = 0;
  // ESC spelt out, for readable patterns.
  for (const part of text.replaceAll("\x1b", "ESC").split(/(ESC\[\d*[AK]|\n)/)) {
    const up = /^ESC\[(\d*)A$/.exec(part);
    if (up) row -= Number(up[1] || 1);
    else if (part === "\n") row++;
    else if (part === "ESC[2K") rows[row] = "";
    else if (part !== "") rows[row] = (rows[row] ?? "") + part;
  }
  return rows;
}

describe("PullProgress on a terminal", () => {
  it("redraws one line per layer in place, ending with every layer complete", () => {
    const clock = { now: 0 };
    const out = output(true);
    const progress = new PullProgress(IMAGE, out, () => clock.now);
    feed(progress, clock, RECORDED, 10);
    progress.finish();
    expect(screen(out.text)).toEqual([
      "876506b45578: Already exists",
      "f75b9581e50b: Already exists",
      "20c216cbfee8: Pull complete  12.0 MB",
      "9f6f46d97bed: Pull complete  5.0 MB",
    ]);
    expect(out.text).toContain("\x1b[4A");
  });

  it("shows bytes and percent while a layer downloads", () => {
    const clock = { now: 0 };
    const out = output(true);
    const progress = new PullProgress(IMAGE, out, () => clock.now);
    const downloading = RECORDED.findIndex((event) => event.progressDetail?.current === 4324793);
    feed(progress, clock, RECORDED.slice(0, downloading + 1), 500);
    expect(screen(out.text)[2]).toBe(
      "20c216cbfee8: Downloading         [=======>            ] 4.3 MB / 12.0 MB  36%",
    );
  });

  it("redraws byte updates at most every 200ms, but every change of a layer's state at once", () => {
    const clock = { now: 0 };
    const out = output(true);
    const progress = new PullProgress(IMAGE, out, () => clock.now);
    const fs = { id: "0123456789ab", status: "Pulling fs layer" };
    progress.update(fs);
    const frames = () => out.text.split("\x1b[2K").length - 1;
    expect(frames()).toBe(1);
    for (let current = 1; current <= 10; current++) {
      clock.now += 50;
      progress.update({ id: fs.id, status: "Downloading", progressDetail: { current, total: 10 } });
    }
    // The first Downloading is a change of state; then one redraw per 200ms: at 250ms and 450ms.
    expect(frames()).toBe(4);
  });

  it("cuts lines to the terminal's width, so that none wraps", () => {
    const clock = { now: 0 };
    const out = output(true, 40);
    const progress = new PullProgress(IMAGE, out, () => clock.now);
    feed(progress, clock, RECORDED.slice(0, 8), 10);
    for (const line of screen(out.text)) expect(line.length).toBeLessThanOrEqual(39);
  });
});

describe("PullProgress elsewhere", () => {
  it("writes a line of totals every 5 seconds", () => {
    const clock = { now: 0 };
    const out = output(false);
    const progress = new PullProgress(IMAGE, out, () => clock.now);
    feed(progress, clock, RECORDED, 1000);
    expect(out.text.split("\n")).toEqual([
      `Pulling '${IMAGE}': 0 B, 2 of 4 layers done, 5s`,
      `Pulling '${IMAGE}': 9.3 MB of 17.0 MB (54%), 2 of 4 layers done, 10s`,
      `Pulling '${IMAGE}': 17.0 MB of 17.0 MB (100%), 2 of 4 layers done, 15s`,
      `Pulling '${IMAGE}': 17.0 MB of 17.0 MB (100%), 3 of 4 layers done, 20s`,
      "",
    ]);
  });

  it("writes nothing for a pull quicker than that, and nothing at all without an output", () => {
    const clock = { now: 0 };
    const out = output(false);
    feed(new PullProgress(IMAGE, out, () => clock.now), clock, RECORDED, 10);
    expect(out.text).toBe("");
    const quiet = new PullProgress(IMAGE, undefined, () => clock.now);
    feed(quiet, clock, RECORDED, 1000);
    expect(quiet.finish()).toMatch(/^Pulled /);
  });

  it("sums the pull up in a final line", () => {
    const clock = { now: 0 };
    const progress = new PullProgress(IMAGE, undefined, () => clock.now);
    feed(progress, clock, RECORDED, 100);
    expect(progress.finish()).toBe(`Pulled '${IMAGE}': 17.0 MB in 2 new layers, 2 already present, 2.4s.`);
  });

  it("sums up a pull whose events carry no sizes (Podman 4.3) without a byte count", () => {
    const progress = new PullProgress(IMAGE, undefined, () => 0);
    // As Podman's compatible API reported a pull of two layers and the image's config.
    for (const id of ["876506b45578", "f75b9581e50b", "b49bcc19b2fe"]) {
      progress.update({ status: "Pulling fs layer", progressDetail: {}, id });
    }
    for (const id of ["f75b9581e50b", "b49bcc19b2fe", "876506b45578"]) {
      progress.update({ status: "Download complete", progressDetail: {}, id });
    }
    expect(progress.finish()).toBe(`Pulled '${IMAGE}': 3 new layers, 0.0s.`);
  });

  it("says when the image was up to date", () => {
    const progress = new PullProgress("app:1", undefined, () => 0);
    progress.update({ status: "Pulling from library/app", id: "1" });
    progress.update({ status: "Digest: sha256:abc" });
    progress.update({ status: "Status: Image is up to date for app:1" });
    expect(progress.finish()).toBe("Image 'app:1' is up to date (0.0s).");
  });
});

describe("formatBytes", () => {
  it("uses decimal units as docker pull does", () => {
    expect([0, 999, 1000, 131072, 12003988, 2.5e9].map(formatBytes)).toEqual([
      "0 B",
      "999 B",
      "1.0 kB",
      "131.1 kB",
      "12.0 MB",
      "2.5 GB",
    ]);
  });
});
