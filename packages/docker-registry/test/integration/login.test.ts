import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { isInfrablocksError } from "@infrablocks/core";
import { dockerAvailable, type LocalRegistry, startLocalRegistry } from "@infrablocks/test-support";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerRegistryBlockType, loginToRegistry } from "../../src/index.js";

const docker = await dockerAvailable();

describe.runIf(docker)("loginToRegistry against a real engine and registry", () => {
  let registry: LocalRegistry;
  const client = new Docker();
  const block = (password: string, registryUrl = registry.address) =>
    dockerRegistryBlockType.schema.parse({ username: registry.username, password, registryUrl });

  beforeAll(async () => {
    registry = await startLocalRegistry();
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
  });

  it("checks good credentials and returns a pull header for that registry", async () => {
    const auth = await loginToRegistry(client, block(registry.password));
    expect(auth.registry).toBe(registry.address);
    const decoded = JSON.parse(Buffer.from(auth.header, "base64url").toString("utf8"));
    expect(decoded).toMatchObject({ username: registry.username, serveraddress: registry.address });
  });

  it("accepts the address written as a URL", async () => {
    const auth = await loginToRegistry(client, block(registry.password, `http://${registry.address}`));
    expect(auth.registry).toBe(registry.address);
  });

  it("rejects a wrong password with a message naming the registry and not the password", async () => {
    const wrong = `${registry.password}-wrong`;
    const error = await loginToRegistry(client, block(wrong)).catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    const text = `${(error as Error).message}\n${(error as Error).stack}`;
    expect(text).toContain(registry.address);
    expect(text).toContain("rejected the username or password");
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(registry.password);
    expect((error as Error).cause).toBeUndefined();
  });

  it("reports a registry that does not answer", async () => {
    const error = await loginToRegistry(client, block(registry.password, "127.0.0.1:1")).catch(
      (caught: unknown) => caught,
    );
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as Error).message).toContain("'127.0.0.1:1'");
    expect((error as Error).message).not.toContain(registry.password);
  });

  it("never writes the Docker config", async () => {
    const configFile = join(process.env.DOCKER_CONFIG || join(homedir(), ".docker"), "config.json");
    const existed = existsSync(configFile);
    await loginToRegistry(client, block(registry.password));
    expect(existsSync(configFile)).toBe(existed);
  });
});
