import { importFromPrefect } from "@infrablocks/testkit";
import { describe, expect, it } from "vitest";
import { dockerRegistryBlockType } from "./docker-registry-block.js";

describe("docker-registry: Prefect import", () => {
  it("maps DockerRegistry(...).dict() to a valid document, password kept", async () => {
    const outcome = await importFromPrefect(dockerRegistryBlockType, {
      username: "ci-bot",
      password: "s3cr3t-registry-password",
      registry_url: "registry.example.com:5000",
      reauth: false,
      block_type_slug: "docker-registry",
    });
    expect(outcome).toEqual({
      document: {
        type: "docker-registry",
        username: "ci-bot",
        password: "s3cr3t-registry-password",
        registryUrl: "registry.example.com:5000",
        reauth: false,
      },
      problems: [],
      notes: [],
    });
    expect(dockerRegistryBlockType.schema.safeParse(outcome.document).success).toBe(true);
  });

  it("refuses the masked password of an export without secrets, saying how to get the real one", async () => {
    const outcome = await importFromPrefect(dockerRegistryBlockType, {
      username: "ci-bot",
      password: "**********",
      registry_url: "registry.example.com",
    });
    expect(outcome.document).not.toHaveProperty("password");
    expect(outcome.problems).toEqual([
      {
        path: "password",
        message: expect.stringMatching(
          /^the export holds the masked value .*include_secrets.*write the password in/,
        ),
      },
    ]);
  });
});
