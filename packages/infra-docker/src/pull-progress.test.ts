import { describe, expect, it } from "vitest";
import { PullProgress } from "./pull-progress.js";

describe("PullProgress", () => {
  it("reports one line per state change of each layer", () => {
    const lines: string[] = [];
    const progress = new PullProgress((line) => lines.push(line));
    progress.update({ status: "Pulling from team/app", id: "1.0" });
    for (const layer of ["aaa", "bbb"]) progress.update({ status: "Pulling fs layer", id: layer });
    for (let i = 0; i < 50; i++) {
      progress.update({ status: "Downloading", id: "aaa" });
      progress.update({ status: "Downloading", id: "bbb" });
    }
    progress.update({ status: "Download complete", id: "aaa" });
    for (let i = 0; i < 20; i++) progress.update({ status: "Extracting", id: "aaa" });
    progress.update({ status: "Pull complete", id: "aaa" });
    progress.update({ status: "Digest: sha256:abc" });
    progress.update({ status: "Status: Downloaded newer image for team/app:1.0" });
    progress.update({});
    expect(lines).toEqual([
      "1.0: Pulling from team/app",
      "aaa: Pulling fs layer",
      "bbb: Pulling fs layer",
      "aaa: Downloading",
      "bbb: Downloading",
      "aaa: Download complete",
      "aaa: Extracting",
      "aaa: Pull complete",
      "Digest: sha256:abc",
      "Status: Downloaded newer image for team/app:1.0",
    ]);
  });
});
