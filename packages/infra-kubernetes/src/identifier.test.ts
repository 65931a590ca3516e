import { describe, expect, it } from "vitest";
import { jobIdentifier, parseJobIdentifier } from "./identifier.js";

describe("job identifiers", () => {
  it("round-trips", () => {
    expect(parseJobIdentifier(jobIdentifier("uid-1", "team-a", "job-x1"))).toEqual({
      clusterUid: "uid-1",
      namespace: "team-a",
      name: "job-x1",
    });
  });

  it.each([
    "",
    "nope",
    "uid:ns",
    ":ns:name",
    "uid:NS:name",
    "uid:ns:",
    "uid:ns:na_me",
    "a:b:c:d",
    "a:b:c:ns:name",
  ])("rejects the malformed %j with INVALID_IDENTIFIER", (identifier) => {
    expect(() => parseJobIdentifier(identifier)).toThrow(
      expect.objectContaining({ code: "INVALID_IDENTIFIER" }),
    );
  });
});
