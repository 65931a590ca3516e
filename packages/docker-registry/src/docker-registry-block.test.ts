import { exportBlockSchema, maskDocument } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { dockerRegistryBlockType } from "./docker-registry-block.js";

describe("dockerRegistryBlockType", () => {
  it("exports the contract's schema: docker-login, a secret password, every field described", () => {
    const schema = exportBlockSchema(dockerRegistryBlockType);
    expect(schema.block_type_slug).toBe("docker-registry");
    expect(schema.title).toBe("Docker Registry");
    expect(schema.capabilities).toEqual(["docker-login"]);
    expect(schema.secret_fields).toEqual(["password"]);
    expect(schema.required.sort()).toEqual(["password", "registryUrl", "username"]);
    expect(schema.properties.password).toMatchObject({ format: "password", writeOnly: true });
    for (const [name, property] of Object.entries(schema.properties)) {
      expect(property.description, name).toEqual(expect.any(String));
    }
  });

  it("defaults reauth to true and names a bad registryUrl", () => {
    const parsed = dockerRegistryBlockType.schema.parse({
      username: "u",
      password: "p",
      registryUrl: "r.io",
    });
    expect(parsed.reauth).toBe(true);
    // The address is the type's check, so that the compiled validator decides alone.
    const config = dockerRegistryBlockType.schema.parse({ username: "u", password: "p", registryUrl: "a b" });
    expect(dockerRegistryBlockType.check?.(config).map((problem) => problem.path)).toEqual(["registryUrl"]);
  });

  it("masks the password in documents", () => {
    const masked = maskDocument(dockerRegistryBlockType, {
      type: "docker-registry",
      username: "u",
      password: "p4ssw0rd",
      registryUrl: "r.io",
    });
    expect(masked.password).toBe("********");
  });
});
