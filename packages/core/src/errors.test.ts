import { describe, expect, it } from "vitest";
import { ERROR_CODES, InfrablocksError, isInfrablocksError } from "./errors.js";

describe("InfrablocksError", () => {
  it("carries a code, issues, a cause and a block-type prefix", () => {
    const cause = new Error("root");
    const error = new InfrablocksError("INVALID_DOCUMENT", "bad", {
      blockType: "process",
      issues: ["a: b"],
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("InfrablocksError");
    expect(error.message).toBe("[process] bad");
    expect(error.code).toBe("INVALID_DOCUMENT");
    expect(error.blockType).toBe("process");
    expect(error.issues).toEqual(["a: b"]);
    expect(error.cause).toBe(cause);
    const plain = new InfrablocksError("STORE_ERROR", "plain");
    expect(plain.message).toBe("plain");
    expect(plain.issues).toEqual([]);
    expect(plain.blockType).toBeUndefined();
  });

  it("is recognized by isInfrablocksError, optionally by code", () => {
    const error = new InfrablocksError("DOCUMENT_NOT_FOUND", "x");
    expect(isInfrablocksError(error)).toBe(true);
    expect(isInfrablocksError(error, "DOCUMENT_NOT_FOUND")).toBe(true);
    expect(isInfrablocksError(error, "DOCUMENT_EXISTS")).toBe(false);
    expect(isInfrablocksError(new Error("x"))).toBe(false);
    expect(isInfrablocksError({ code: "DOCUMENT_NOT_FOUND" })).toBe(false);
  });

  it("has a meaning for every code", () => {
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z_]+$/);
      expect(meaning.length, code).toBeGreaterThan(10);
    }
  });
});
