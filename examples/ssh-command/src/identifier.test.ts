import { isInfrablocksError } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { parseSshIdentifier, sshIdentifier } from "./identifier.js";

describe("ssh-command identifiers", () => {
  it("are <user>@<host>:<port>:<pid> and parse back, IPv6 hosts included", () => {
    for (const location of [
      { user: "deploy", host: "build.example.com", port: 22, pid: 4242 },
      { user: "root", host: "::1", port: 2222, pid: 7 },
    ]) {
      expect(parseSshIdentifier(sshIdentifier(location))).toEqual(location);
    }
    expect(sshIdentifier({ user: "u", host: "h", port: 22, pid: 1 })).toBe("u@h:22:1");
  });

  it.each(["h:22:1", "u@h:1", "u@h:22:0", "u@h:0:5", "u@h:70000:5", "u@h:22:x", "@h:22:1", "u@:22:1"])(
    "reject %j with INVALID_IDENTIFIER",
    (identifier) => {
      let caught: unknown;
      try {
        parseSshIdentifier(identifier);
      } catch (error) {
        caught = error;
      }
      expect(isInfrablocksError(caught, "INVALID_IDENTIFIER")).toBe(true);
    },
  );
});
