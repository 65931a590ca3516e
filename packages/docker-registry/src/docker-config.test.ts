import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dockerConfigCredentials } from "./docker-config.js";

function decode(header: string): Record<string, string> {
  return JSON.parse(Buffer.from(header.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
}

describe("dockerConfigCredentials", () => {
  let directory: string;
  const env = () => ({ DOCKER_CONFIG: directory });
  const writeConfig = (config: unknown) =>
    writeFile(join(directory, "config.json"), typeof config === "string" ? config : JSON.stringify(config));

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), "infrablocks-docker-config-"));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("finds nothing when there is no config file", async () => {
    expect(await dockerConfigCredentials("docker.io", env())).toEqual({});
  });

  it("decodes an auths entry whose key is written with a scheme and path", async () => {
    const auth = Buffer.from("alice:pa:ss-word").toString("base64");
    await writeConfig({ auths: { "http://127.0.0.1:5000/v2/": { auth } } });
    const found = await dockerConfigCredentials("127.0.0.1:5000", env());
    expect(found.auth?.username).toBe("alice");
    expect(decode(found.auth?.header ?? "")).toMatchObject({ username: "alice", password: "pa:ss-word" });
  });

  it("maps Docker Hub's index address to docker.io", async () => {
    const auth = Buffer.from("bob:secret-1").toString("base64");
    await writeConfig({ auths: { "https://index.docker.io/v1/": { auth } } });
    const found = await dockerConfigCredentials("docker.io", env());
    expect(found.auth?.username).toBe("bob");
  });

  it("prefers an identity token", async () => {
    await writeConfig({
      auths: { "ghcr.io": { auth: Buffer.from("carol:").toString("base64"), identitytoken: "tok-xyz" } },
    });
    const found = await dockerConfigCredentials("ghcr.io", env());
    expect(decode(found.auth?.header ?? "")).toMatchObject({ identitytoken: "tok-xyz" });
  });

  it("ignores other registries", async () => {
    await writeConfig({ auths: { "ghcr.io": { auth: Buffer.from("dave:pw-pw").toString("base64") } } });
    expect(await dockerConfigCredentials("quay.io", env())).toEqual({});
  });

  it("warns, without quoting the file, when it is not JSON", async () => {
    await writeConfig('{"auths": {"x": {"auth": "c2VjcmV0LXZhbHVl"');
    const found = await dockerConfigCredentials("x", env());
    expect(found.auth).toBeUndefined();
    expect(found.warning).toContain("cannot be read as JSON");
    expect(found.warning).not.toContain("c2VjcmV0LXZhbHVl");
  });

  it("asks the registry's credHelpers entry, else credsStore, and warns when that helper is missing", async () => {
    await writeConfig({ credsStore: "no-such-store", credHelpers: { "gcr.io": "no-such-gcloud" } });
    expect((await dockerConfigCredentials("gcr.io", env())).warning).toContain(
      "docker-credential-no-such-gcloud is not on PATH",
    );
    expect((await dockerConfigCredentials("quay.io", env())).warning).toContain(
      "docker-credential-no-such-store is not on PATH",
    );
  });
});
