import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { type PassStore, startPassStore } from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askCredentialHelper } from "../../src/credential-helper.js";
import { dockerConfigCredentials } from "../../src/docker-config.js";

function decode(header: string): Record<string, string> {
  return JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
}

describe("credential helpers, with Debian's docker-credential-pass and a throw-away gpg key", () => {
  let pass: PassStore;
  let config: string;
  const env = () => ({ ...process.env, DOCKER_CONFIG: config });
  const writeConfig = (value: unknown) => writeFile(join(config, "config.json"), JSON.stringify(value));

  beforeAll(async () => {
    pass = await startPassStore();
    config = await mkdtemp(join(tmpdir(), "infrablocks-docker-config-"));
    await pass.store("registry.test:5000", "alice", "helper-secret-1");
    await pass.store("https://index.docker.io/v1/", "bob", "hub-secret-2");
  }, 60_000);
  afterAll(async () => {
    await pass?.stop();
    if (config) await rm(config, { recursive: true, force: true });
  });

  it("asks the registry's credHelpers entry, before auths", async () => {
    const stale = Buffer.from("old:old-password").toString("base64");
    await writeConfig({
      credHelpers: { "registry.test:5000": "pass" },
      auths: { "registry.test:5000": { auth: stale } },
    });
    const found = await dockerConfigCredentials("registry.test:5000", env());
    expect(found.warning).toBeUndefined();
    expect(decode(found.auth?.header ?? "")).toMatchObject({
      username: "alice",
      password: "helper-secret-1",
    });
    expect(found.auth?.redactor.redact("x helper-secret-1 y")).not.toContain("helper-secret-1");
  });

  it("asks the credsStore helper, under Docker Hub's index address", async () => {
    await writeConfig({ credsStore: "pass" });
    const found = await dockerConfigCredentials("docker.io", env());
    expect(decode(found.auth?.header ?? "")).toMatchObject({ username: "bob", password: "hub-secret-2" });
  });

  it("falls back to auths when the store has nothing for the registry", async () => {
    const auth = Buffer.from("carol:file-secret").toString("base64");
    await writeConfig({ credsStore: "pass", auths: { "other.test": { auth } } });
    const found = await dockerConfigCredentials("other.test", env());
    expect(found.auth?.username).toBe("carol");
  });

  it("finds nothing, without a warning, when neither the store nor auths has the registry", async () => {
    await writeConfig({ credsStore: "pass" });
    expect(await dockerConfigCredentials("nothing.test", env())).toEqual({});
  });

  it("names a helper that is not installed", async () => {
    await writeConfig({ credHelpers: { "gcr.io": "no-such-helper" } });
    const found = await dockerConfigCredentials("gcr.io", env());
    expect(found.auth).toBeUndefined();
    expect(found.warning).toContain("docker-credential-no-such-helper is not on PATH");
  });
});

// Fakes only to inject the faults a real helper does not show on demand.
describe("a credential helper that misbehaves", () => {
  let bin: string;
  const fake = async (name: string, script: string) => {
    const path = join(bin, `docker-credential-${name}`);
    await writeFile(path, `#!/bin/sh\n${script}\n`);
    await chmod(path, 0o755);
  };
  const env = () => ({ ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}` });

  beforeAll(async () => {
    bin = await mkdtemp(join(tmpdir(), "infrablocks-helpers-"));
    await fake("hangs", "exec sleep 30");
    await fake(
      "fails",
      'echo "error getting credentials - err: exit status 1, out: no keychain" >&2; exit 1',
    );
    await fake("garbled", "echo 'Secret=leaked-value-123'");
    await fake(
      "token",
      'cat >/dev/null; echo \'{"ServerURL":"x","Username":"<token>","Secret":"id-token-9"}\'',
    );
  });
  afterAll(async () => {
    await rm(bin, { recursive: true, force: true });
  });

  it("is stopped when it does not answer in time", async () => {
    const started = Date.now();
    expect(await askCredentialHelper("hangs", "x", env(), 500)).toEqual({
      error: "docker-credential-hangs gave no answer within 0.5s.",
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("has its error message passed on", async () => {
    const answer = await askCredentialHelper("fails", "x", env());
    expect(answer).toEqual({
      error:
        "docker-credential-fails failed: error getting credentials - err: exit status 1, out: no keychain",
    });
  });

  it("is not quoted when its output is not JSON", async () => {
    const answer = await askCredentialHelper("garbled", "x", env());
    expect(JSON.stringify(answer)).not.toContain("leaked-value-123");
    expect(answer).toEqual({ error: "docker-credential-garbled answered with something other than JSON." });
  });

  it("gives an identity token for the username <token>", async () => {
    expect(await askCredentialHelper("token", "x", env())).toEqual({
      found: true,
      username: "<token>",
      secret: "id-token-9",
      identityToken: true,
    });
  });
});
