import { describe, expect, it } from "vitest";
import { isByteSize, toBytes } from "./byte-size.js";

describe("toBytes", () => {
  it.each([
    [1048576, 1048576],
    [1.5, 1],
    ["1024", 1024],
    ["512m", 512 * 2 ** 20],
    ["1g", 2 ** 30],
    ["1G", 2 ** 30],
    ["1.5gb", 1.5 * 2 ** 30],
    ["2GiB", 2 * 2 ** 30],
    ["64 k", 64 * 1024],
    ["-1", Number.NaN],
  ] as const)("%s → %s bytes", (size, bytes) => {
    if (Number.isNaN(bytes)) expect(() => toBytes(size)).toThrow("is not a size");
    else expect(toBytes(size)).toBe(bytes);
  });

  it("rejects text that is not a size", () => {
    expect(isByteSize("lots")).toBe(false);
    expect(isByteSize("1x")).toBe(false);
    expect(isByteSize("12mb")).toBe(true);
  });
});
