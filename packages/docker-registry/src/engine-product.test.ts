import { describe, expect, it } from "vitest";
import { isPodmanVersion } from "./engine-product.js";

describe("isPodmanVersion", () => {
  it("knows Podman by its engine component, not by the platform name", () => {
    // As Debian's Podman 4.3 and Docker Engine 20.10 answer /version (trimmed).
    const podman = {
      Platform: { Name: "linux/amd64/debian-12" },
      Components: [{ Name: "Podman Engine" }, { Name: "Conmon" }],
      ApiVersion: "1.41",
    };
    const docker = {
      Platform: { Name: "" },
      Components: [{ Name: "Engine" }, { Name: "containerd" }, { Name: "runc" }],
      ApiVersion: "1.41",
    };
    expect(isPodmanVersion(podman)).toBe(true);
    expect(isPodmanVersion(docker)).toBe(false);
    expect(isPodmanVersion({ Platform: { Name: "Podman Engine" } })).toBe(true);
    expect(isPodmanVersion(undefined)).toBe(false);
    expect(isPodmanVersion({ Components: "nonsense" })).toBe(false);
  });
});
