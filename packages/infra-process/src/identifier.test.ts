import { hostname } from "node:os";
import { isInfrablocksError } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { parseProcessIdentifier, processIdentifier } from "./identifier.js";

describe("process identifiers", () => {
  it("are <hostname>:<pid> and parse back", () => {
    expect(processIdentifier(42)).toBe(`${hostname()}:42`);
    expect(parseProcessIdentifier(processIdentifier(42))).toEqual({ host: hostname(), pid: 42 });
  });

  it.each(["42", ":42", "host:", "host:abc", "host:-1", "host:0", "host:1.5"])("reject %j", (identifier) => {
    let caught: unknown;
    try {
      parseProcessIdentifier(identifier);
    } catch (error) {
      caught = error;
    }
    expect(isInfrablocksError(caught, "INVALID_IDENTIFIER")).toBe(true);
  });
});
