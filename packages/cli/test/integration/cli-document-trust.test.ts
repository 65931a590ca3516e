import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";

const KUBECONFIG = [
  "apiVersion: v1",
  "kind: Config",
  "current-context: trust",
  "clusters:",
  '  - { name: trust, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }',
  "users:",
  '  - { name: trust, user: { token: "kube-token-8d1f" } }',
  "contexts:",
  "  - { name: trust, context: { cluster: trust, user: trust } }",
  "",
].join("\n");

const registry = {
  type: "docker-registry",
  username: "user",
  password: "registry-pass-5e2a",
  registryUrl: "127.0.0.1:5999",
};
const secretEnv = { API_TOKEN: "env-token-77c1", DB_PASSWORD: "env-pass-91b0", PLAIN: "visible" };

/** One document of every type that holds a secret (a secret field, nested, or a secret-named env value). */
const WITH_SECRETS: Record<string, Record<string, unknown>> = {
  "docker-registry": registry,
  "kubernetes-cluster-config": { type: "kubernetes-cluster-config", config: KUBECONFIG },
  process: { type: "process", command: ["true"], env: secretEnv },
  "docker-container": {
    type: "docker-container",
    image: "127.0.0.1:5999/app:1.0",
    command: ["true"],
    env: secretEnv,
    imageRegistry: registry,
  },
  "kubernetes-job": {
    type: "kubernetes-job",
    image: "busybox:1.36",
    command: ["true"],
    env: secretEnv,
    clusterConfig: { type: "kubernetes-cluster-config", config: KUBECONFIG },
  },
};

async function file(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "ib-trust-")), name);
  await writeFile(path, text);
  return path;
}

describe("masked secrets through the CLI", () => {
  it("show → save --overwrite → show --reveal keeps every secret, for every type with secrets", async () => {
    const home = await freshHome();
    for (const [slug, document] of Object.entries(WITH_SECRETS)) {
      const original = JSON.stringify(document);
      expect((await cli(["save", "-", "--name", "kept"], { home, input: original })).code).toBe(0);
      const shown = await cli(["show", `${slug}/kept`], { home });
      expect(shown.stdout).toContain("********");
      const saved = await cli(["save", "-", "--name", "kept", "--overwrite"], { home, input: shown.stdout });
      expect(saved.code, saved.stderr).toBe(0);
      expect(saved.stderr).toContain("Kept the stored value of");
      const revealed = await cli(["show", `${slug}/kept`, "--json", "--reveal"], { home });
      expect(JSON.parse(revealed.stdout), slug).toEqual(JSON.parse(original));
    }
  });

  it("show names the document, so that show | save - --overwrite needs no --name and keeps the secrets", async () => {
    const home = await freshHome();
    const original = JSON.stringify(WITH_SECRETS["docker-registry"]);
    expect((await cli(["save", "-", "--name", "team"], { home, input: original })).code).toBe(0);
    const shown = await cli(["show", "docker-registry/team"], { home });
    expect(shown.stdout.startsWith("$name: team\n")).toBe(true);
    const saved = await cli(["save", "-", "--overwrite"], { home, input: shown.stdout });
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stderr).toContain("Saved docker-registry/team");
    const revealed = await cli(["show", "docker-registry/team", "--json", "--reveal"], { home });
    expect(JSON.parse(revealed.stdout)).toEqual(JSON.parse(original));
  });

  it("refuses a mask in a new document, in validate and in run, naming the field and the way to the real value", async () => {
    const home = await freshHome();
    const masked = JSON.stringify({ ...registry, password: "********" });
    for (const args of [
      ["save", "-", "--name", "fresh"],
      ["save", "-", "--name", "fresh", "--overwrite"],
      ["validate", "-"],
    ]) {
      const result = await cli(args, { home, input: masked });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("password: holds '********'");
      expect(result.stderr).toContain("show SLUG/NAME --reveal");
    }
    const process = JSON.stringify({ type: "process", command: ["true"], env: { API_TOKEN: "********" } });
    const ran = await cli(["run", "-"], { home, input: process });
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain("env.API_TOKEN: holds '********'");
    // A mask under a name that show does not mask is an ordinary value.
    const plain = JSON.stringify({ type: "process", command: ["true"], env: { STARS: "********" } });
    expect((await cli(["validate", "-"], { home, input: plain })).code).toBe(0);
  });
});

describe("references between saved documents", () => {
  it("rm refuses a document another one refers to, listing them, unless --force; the dangling $ref names its field", async () => {
    const home = await freshHome();
    expect(
      (await cli(["save", "-", "--name", "local"], { home, input: JSON.stringify(registry) })).code,
    ).toBe(0);
    const container = {
      type: "docker-container",
      image: "busybox",
      imageRegistry: { $ref: "docker-registry/local" },
    };
    expect((await cli(["save", "-", "--name", "bb"], { home, input: JSON.stringify(container) })).code).toBe(
      0,
    );

    const refused = await cli(["rm", "docker-registry/local"], { home });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("docker-container/bb");
    expect(refused.stderr).toContain("--force");
    expect((await cli(["show", "docker-registry/local"], { home })).code).toBe(0);

    expect((await cli(["rm", "docker-registry/local", "--force"], { home })).code).toBe(0);
    const dangling = await cli(["validate", "docker-container/bb"], { home });
    expect(dangling.code).toBe(3);
    expect(dangling.stderr).toContain(
      "imageRegistry.$ref: no saved docker-registry document is named 'local'",
    );
    expect((await cli(["rm", "docker-registry/local"], { home })).code).toBe(3);
  });
});

describe("document files", () => {
  it("reads a .json file as strict JSON and a .yaml file as YAML", async () => {
    const home = await freshHome();
    const text = '{"type": "process", "command": ["true"],}';
    const json = await cli(["validate", await file("trailing.json", text)], { home });
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("not valid JSON at line 1, column 41");
    expect((await cli(["validate", await file("trailing.yaml", text)], { home })).code).toBe(0);
  });
});

describe("docker-container values validate refuses, as run would", () => {
  it.each([
    [{ memLimit: 0.5 }, "memLimit"],
    [{ memLimit: 1e30 }, "memLimit"],
    [{ memLimit: "99999999999999999999999999999g" }, "memLimit"],
    [{ cpuLimit: 1e9 }, "cpuLimit: must be at most 1024"],
    [{ networkMode: "host", networks: ["n"] }, "networkMode: cannot be combined with networks"],
    [{ memswapLimit: "1g" }, "memswapLimit: needs memLimit"],
  ])("%j", async (fields, expected) => {
    const document = JSON.stringify({
      type: "docker-container",
      image: "busybox",
      command: ["true"],
      ...fields,
    });
    const home = await freshHome();
    const validated = await cli(["validate", "-"], { home, input: document });
    expect(validated.code).toBe(2);
    expect(validated.stderr).toContain(expected);
    expect((await cli(["preview", "-"], { home, input: document })).code).toBe(2);
  });
});
