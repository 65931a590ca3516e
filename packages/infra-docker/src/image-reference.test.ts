import { describe, expect, it } from "vitest";
import { imageReferenceProblem, parseImageReference } from "./image-reference.js";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("parseImageReference", () => {
  it.each([
    ["busybox", { registry: "docker.io", repository: "busybox" }],
    ["busybox:1.36", { registry: "docker.io", repository: "busybox", tag: "1.36" }],
    ["library/busybox:latest", { registry: "docker.io", repository: "library/busybox", tag: "latest" }],
    ["host:5000/a/b:tag", { registry: "host:5000", repository: "host:5000/a/b", tag: "tag" }],
    ["host:5000/a/b", { registry: "host:5000", repository: "host:5000/a/b" }],
    ["localhost/app", { registry: "localhost", repository: "localhost/app" }],
    [
      "Registry.Example.com/team/app:v1",
      { registry: "registry.example.com", repository: "Registry.Example.com/team/app", tag: "v1" },
    ],
    [`img@${DIGEST}`, { registry: "docker.io", repository: "img", digest: DIGEST }],
    [`repo/img:1.0@${DIGEST}`, { registry: "docker.io", repository: "repo/img", tag: "1.0", digest: DIGEST }],
    [
      `127.0.0.1:5000/img@${DIGEST}`,
      { registry: "127.0.0.1:5000", repository: "127.0.0.1:5000/img", digest: DIGEST },
    ],
    ["[::1]:5000/img:2", { registry: "[::1]:5000", repository: "[::1]:5000/img", tag: "2" }],
  ])("%s", (text, expected) => {
    const parsed = parseImageReference(text);
    expect(parsed).toEqual({ text, ...expected });
  });

  it.each([
    ["", "names no repository"],
    ["Busybox", "invalid name component 'Busybox'"],
    ["busybox:", "invalid tag ''"],
    ["busybox:-x", "invalid tag '-x'"],
    ["img@sha256:abc", "invalid digest 'sha256:abc'"],
    ["a//b", "invalid name component ''"],
    ["bad_host:5000:x/img", "invalid registry"],
    ["img:1.0:2.0", "invalid name component 'img:1.0'"],
  ])("rejects '%s'", (text, problem) => {
    expect(imageReferenceProblem(text)).toContain(problem);
  });
});
