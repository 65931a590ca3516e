import { isInfrablocksError } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { containerIdentifier, parseContainerIdentifier } from "./identifier.js";

const ID = "0123456789abcdef".repeat(4);

describe("container identifiers", () => {
  it("round-trips endpoints that hold colons themselves", () => {
    for (const endpoint of ["unix:///var/run/docker.sock", "tcp://10.0.0.5:2376", "tcp://[::1]:2375"]) {
      expect(parseContainerIdentifier(containerIdentifier(endpoint, ID))).toEqual({
        endpoint,
        containerId: ID,
      });
    }
  });

  it.each([
    "",
    ID,
    `:${ID}`,
    "unix:///var/run/docker.sock:",
    "unix:///var/run/docker.sock:NOT-AN-ID",
    `host:${ID}`,
  ])("rejects '%s'", (identifier) => {
    try {
      parseContainerIdentifier(identifier);
      expect.unreachable();
    } catch (error) {
      expect(isInfrablocksError(error, "INVALID_IDENTIFIER")).toBe(true);
      expect((error as Error).message).toContain("<docker endpoint>:<container id>");
    }
  });
});
