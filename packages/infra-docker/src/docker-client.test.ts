import { describe, expect, it } from "vitest";
import { supportsHostGateway } from "./docker-client.js";

describe("supportsHostGateway", () => {
  it.each([
    ["1.41", true], // Docker Engine 20.10, and Podman 4.3 (product version 4.3.1)
    ["1.43", true],
    ["1.40", false], // Docker Engine 19.03
    ["2.0", true],
  ])("API %s: %s", (apiVersion, expected) => {
    expect(supportsHostGateway(apiVersion)).toBe(expected);
  });
});
