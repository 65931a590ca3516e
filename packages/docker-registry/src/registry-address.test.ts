import { describe, expect, it } from "vitest";
import { isRegistryAddress, registryHost } from "./registry-address.js";

describe("registryHost", () => {
  it.each([
    ["registry.example.com:5000", "registry.example.com:5000"],
    ["https://Registry.Example.com:5000/v2/", "registry.example.com:5000"],
    ["http://127.0.0.1:5000", "127.0.0.1:5000"],
    ["https://index.docker.io/v1/", "docker.io"],
    ["registry-1.docker.io", "docker.io"],
    ["docker.io", "docker.io"],
    ["localhost:5000/some/path", "localhost:5000"],
  ])("%s names %s", (address, host) => {
    expect(registryHost(address)).toBe(host);
  });
});

describe("isRegistryAddress", () => {
  it.each(["registry.example.com", "127.0.0.1:5000", "https://ghcr.io", "[::1]:5000", "localhost"])(
    "accepts %s",
    (address) => {
      expect(isRegistryAddress(address)).toBe(true);
    },
  );

  it.each(["", "https://", "not a host", "host:port", "-bad.example.com"])("rejects '%s'", (address) => {
    expect(isRegistryAddress(address)).toBe(false);
  });
});
