import { isInfrablocksError } from "@infrablocks/core";
import { type FakeEngine, startFakeEngine } from "@infrablocks/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dockerRegistryBlockType } from "./docker-registry-block.js";
import { loginToRegistry } from "./login.js";

const PASSWORD = "Sentinel-Passw0rd";

describe("loginToRegistry against a fake engine", () => {
  let engine: FakeEngine;
  const block = (fields: Record<string, unknown> = {}) =>
    dockerRegistryBlockType.schema.parse({
      username: "me",
      password: PASSWORD,
      registryUrl: "registry.example.com",
      ...fields,
    });

  beforeEach(async () => {
    engine = await startFakeEngine();
  });
  afterEach(() => engine.close());

  it("posts the credentials in the body, never the URL, and uses an identity token the registry issues", async () => {
    engine.handle((_request, response) =>
      response.writeHead(200).end('{"Status":"Login Succeeded","IdentityToken":"tok-from-registry"}'),
    );
    const auth = await loginToRegistry(engine.docker, block());
    expect(engine.seen[0]?.url).toBe("/auth");
    expect(JSON.parse(engine.seen[0]?.body ?? "")).toEqual({
      username: "me",
      password: PASSWORD,
      serveraddress: "registry.example.com",
    });
    expect(JSON.parse(Buffer.from(auth.header, "base64url").toString())).toEqual({
      username: "me",
      identitytoken: "tok-from-registry",
      serveraddress: "registry.example.com",
    });
  });

  it("checks with the engine every time, unless reauth is false", async () => {
    engine.handle((_request, response) => response.writeHead(200).end('{"Status":"Login Succeeded"}'));
    await loginToRegistry(engine.docker, block());
    await loginToRegistry(engine.docker, block());
    expect(engine.seen).toHaveLength(2);
    await loginToRegistry(engine.docker, block({ reauth: false, username: "cached" }));
    await loginToRegistry(engine.docker, block({ reauth: false, username: "cached" }));
    expect(engine.seen).toHaveLength(3);
  });

  it("scrubs the password from an engine message that echoes it", async () => {
    engine.handle((_request, response) =>
      response.writeHead(500).end(JSON.stringify({ message: `registry said no to ${PASSWORD}` })),
    );
    const error = await loginToRegistry(engine.docker, block()).catch((caught: unknown) => caught);
    expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
    expect((error as Error).message).toContain("registry 'registry.example.com'");
    expect((error as Error).message).toContain("(HTTP 500)");
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it("names the registry when the engine does not answer", async () => {
    engine.handle((_request, response) => response.socket?.destroy());
    const error = await loginToRegistry(engine.docker, block()).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain("Cannot log in to registry 'registry.example.com'");
  });

  describe("when /auth tried HTTPS on a plain-HTTP registry", () => {
    const httpsToHttp = {
      message:
        'login attempt to 127.0.0.1:5000 failed with status: pinging container registry 127.0.0.1:5000: Get "https://127.0.0.1:5000/v2/": http: server gave HTTP response to HTTPS client',
    };
    const engineNamed = (component: string) =>
      engine.handle((request, response) =>
        request.url === "/version"
          ? response.writeHead(200).end(JSON.stringify({ Components: [{ Name: component }] }))
          : response.writeHead(500).end(JSON.stringify(httpsToHttp)),
      );

    it("on Podman (which ignores registries.conf there), lets the pull carry the unchecked credentials", async () => {
      engineNamed("Podman Engine");
      const auth = await loginToRegistry(engine.docker, block({ registryUrl: "127.0.0.1:5000" }));
      expect(engine.seen.map((request) => request.url)).toEqual(["/auth", "/version"]);
      expect(JSON.parse(Buffer.from(auth.header, "base64url").toString())).toEqual({
        username: "me",
        password: PASSWORD,
        serveraddress: "127.0.0.1:5000",
      });
    });

    it("on Docker Engine, fails as the engine says", async () => {
      engineNamed("Engine");
      const error = await loginToRegistry(engine.docker, block({ registryUrl: "127.0.0.1:5000" })).catch(
        (caught: unknown) => caught,
      );
      expect(isInfrablocksError(error, "INFRASTRUCTURE_ERROR")).toBe(true);
      expect((error as Error).message).toContain("server gave HTTP response to HTTPS client");
    });
  });
});
