import { describe, expect, it } from "vitest";
import { PullProgress } from "./pull-progress.js";

describe("PullProgress", () => {
  it("reports one line per state change of each layer", () => {
    const lines: string[] = [];
    const progress = new PullProgress((line) => lines.push(line));
    progress.update({ status: "Pulling from team/app", id: "1.0" });
    for (const layer of ["aaaaaaaaaaaa", "bbbbbbbbbbbb"])
      progress.update({ status: "Pulling fs layer", id: layer });
    for (let i = 0; i < 50; i++) {
      progress.update({ status: "Downloading", id: "aaaaaaaaaaaa" });
      progress.update({ status: "Downloading", id: "bbbbbbbbbbbb" });
    }
    progress.update({ status: "Download complete", id: "aaaaaaaaaaaa" });
    for (let i = 0; i < 20; i++) progress.update({ status: "Extracting", id: "aaaaaaaaaaaa" });
    progress.update({ status: "Pull complete", id: "aaaaaaaaaaaa" });
    progress.update({ status: "Digest: sha256:abc" });
    progress.update({ status: "Status: Downloaded newer image for team/app:1.0" });
    progress.update({});
    expect(lines).toEqual([
      "Pulling from team/app",
      "layer aaaaaaaaaaaa: Pulling fs layer",
      "layer bbbbbbbbbbbb: Pulling fs layer",
      "layer aaaaaaaaaaaa: Downloading",
      "layer bbbbbbbbbbbb: Downloading",
      "layer aaaaaaaaaaaa: Download complete",
      "layer aaaaaaaaaaaa: Extracting",
      "layer aaaaaaaaaaaa: Pull complete",
      "Digest: sha256:abc",
      "Status: Downloaded newer image for team/app:1.0",
    ]);
  });
});
