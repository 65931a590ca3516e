/**
 * Canary values in every secret field of every block type (the docker-registry password, a
 * kubeconfig's token and client-key-data, env values named *TOKEN* and *PASSWORD*), then every command
 * through the real `infrablocks`: the canaries never show raw, base64, base64url, URL-encoded or
 * JSON-escaped in stdout or stderr, nor in any file under $INFRABLOCKS_HOME but the saved documents
 * themselves (0600). The Docker and Kubernetes error paths run against a real registry (wrong
 * password) and the Kubernetes test server (wrong token; then an unreachable cluster).
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  dockerAvailable,
  type KubeTestServer,
  type LocalRegistry,
  startKubeTestServer,
  startLocalRegistry,
} from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, cli, freshHome } from "../integration/cli-support.js";

const CANARIES = {
  registryPassword: "CanaryRegistryPw-5e1b7d",
  kubeToken: "CanaryKubeToken-93ac21",
  clientKey: "CanaryClientKey-77d0e4",
  envToken: "CanaryEnvToken-0b6f3a",
  envPassword: "CanaryEnvPassword-c45e98",
};

/** Every form a canary could travel in. */
function forms(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString("base64"),
    Buffer.from(secret).toString("base64url"),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    // Base64 of the secret inside JSON (as in an X-Registry-Auth header), at each of the 3 alignments.
    ...[0, 1, 2].map((shift) =>
      Buffer.from(`${"x".repeat(shift)}${secret}`)
        .toString("base64")
        .slice(Math.ceil((shift * 4) / 3) + 4, -4),
    ),
  ];
}

/** The canaries (by name) found in `text`, also inside base64 runs decoded. */
function leaks(text: string, canaries: Record<string, string> = CANARIES): string[] {
  const found: string[] = [];
  const decoded = [...text.matchAll(/[A-Za-z0-9+/_-]{16,}={0,2}/g)]
    .map((match) => Buffer.from(match[0], "base64").toString("latin1"))
    .join("\n");
  for (const [name, secret] of Object.entries(canaries)) {
    if (forms(secret).some((form) => text.includes(form)) || decoded.includes(secret)) found.push(name);
  }
  return found;
}

/** The files under home, with their text, except the saved documents. */
async function filesOutsideStore(home: string): Promise<{ path: string; text: string }[]> {
  const files: { path: string; text: string }[] = [];
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const name = relative(home, path);
        if (/^documents\/[a-z0-9-]+\/[a-z0-9-]+\.json$/.test(name)) continue;
        files.push({ path: name, text: await readFile(path, "latin1") });
      }
    }
  };
  await walk(home);
  return files;
}

function kubeconfig(server: string, ca?: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "current-context: canary",
    "clusters:",
    `  - name: canary`,
    `    cluster: { server: "${server}"${ca ? `, certificate-authority-data: ${ca}` : ", insecure-skip-tls-verify: true"} }`,
    "users:",
    "  - name: canary",
    `    user: { token: "${CANARIES.kubeToken}" }`,
    "  - name: with-key",
    `    user: { client-certificate-data: ${Buffer.from("not a certificate").toString("base64")}, client-key-data: ${Buffer.from(
      `-----BEGIN PRIVATE KEY-----\n${CANARIES.clientKey}\n-----END PRIVATE KEY-----\n`,
    ).toString("base64")} }`,
    "contexts:",
    "  - name: canary",
    "    context: { cluster: canary, user: canary }",
    "  - name: with-key",
    "    context: { cluster: canary, user: with-key }",
    "",
  ].join("\n");
}

const envSecrets = { API_TOKEN: CANARIES.envToken, DB_PASSWORD: CANARIES.envPassword, PLAIN: "visible" };

interface Said {
  what: string;
  result: CliResult;
}

/** Asserts that no output of any command, and no file outside the store, holds a canary. */
async function expectNoLeaks(home: string, said: Said[]): Promise<void> {
  const found = said.flatMap(({ what, result }) =>
    leaks(`${result.stdout}\n${result.stderr}`, CANARIES).map((name) => `${what}: ${name}`),
  );
  const files = await filesOutsideStore(home);
  for (const file of files) {
    for (const name of leaks(file.text)) found.push(`file ${file.path}: ${name}`);
  }
  expect(found).toEqual([]);
  console.info(`[canary] ${said.length} command runs and ${files.length} files outside the store: no canary`);
}

describe("secrets never leak through the CLI (documents, previews, validation, process runs)", () => {
  let home: string;
  let directory: string;
  const said: Said[] = [];
  const run = async (what: string, args: string[], input?: string, env?: NodeJS.ProcessEnv) => {
    const result = await cli(args, { home, input, env });
    said.push({ what, result });
    return result;
  };

  const documents: Record<string, Record<string, unknown>> = {
    "docker-registry": {
      type: "docker-registry",
      username: "canary-user",
      password: CANARIES.registryPassword,
      registryUrl: "127.0.0.1:5999",
    },
    "kubernetes-cluster-config": {
      type: "kubernetes-cluster-config",
      config: kubeconfig("https://127.0.0.1:1"),
    },
    process: { type: "process", command: ["true"], env: envSecrets },
    "docker-container": {
      type: "docker-container",
      image: "127.0.0.1:5999/canary/app:1.0",
      command: ["true"],
      env: envSecrets,
      imageRegistry: {
        type: "docker-registry",
        username: "canary-user",
        password: CANARIES.registryPassword,
        registryUrl: "127.0.0.1:5999",
      },
    },
    "kubernetes-job": {
      type: "kubernetes-job",
      image: "busybox:1.36",
      command: ["true"],
      env: envSecrets,
      clusterConfig: { type: "kubernetes-cluster-config", config: kubeconfig("https://127.0.0.1:1") },
    },
  };

  beforeAll(async () => {
    home = await freshHome();
    directory = await mkdtemp(join(tmpdir(), "ib-canary-docs-"));
    for (const [slug, document] of Object.entries(documents)) {
      await writeFile(join(directory, `${slug}.json`), JSON.stringify(document));
      await writeFile(join(directory, `${slug}.yaml`), `# canary\n${JSON.stringify(document, null, 2)}\n`);
    }
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
    await rm(directory, { recursive: true, force: true });
  });

  it("through save, ls, show, preview, validate, schema and types, in every output format", async () => {
    for (const slug of Object.keys(documents)) {
      const file = join(directory, `${slug}.json`);
      expect((await run(`save ${slug}`, ["save", file, "--name", "canary"])).code).toBe(0);
      expect((await run(`save ${slug} again`, ["save", file, "--name", "canary"])).code).toBe(1);
      expect((await run(`validate ${slug}`, ["validate", join(directory, `${slug}.yaml`)])).code).toBe(0);
      expect((await run(`validate ${slug}/canary`, ["validate", `${slug}/canary`])).code).toBe(0);
      // Only the three infrastructure types preview; the others fail (and must not leak either).
      const previewed = await run(`preview ${slug}`, ["preview", file]);
      if (["docker-registry", "kubernetes-cluster-config"].includes(slug)) expect(previewed.code).toBe(2);
      else expect(previewed.code).toBe(0);
      await run(`preview ${slug}/canary`, ["preview", `${slug}/canary`]);
      expect((await run(`show ${slug}`, ["show", `${slug}/canary`])).code).toBe(0);
      expect((await run(`show --json ${slug}`, ["show", `${slug}/canary`, "--json"])).code).toBe(0);
      // Invalid documents holding the secrets: the error lists fields, never their values.
      const broken = { ...documents[slug], colour: "blue", username: 42 };
      expect((await run(`validate broken ${slug}`, ["validate", "-"], JSON.stringify(broken))).code).toBe(2);
      const debug = await run(`validate broken ${slug} (debug)`, ["validate", "-"], JSON.stringify(broken), {
        INFRABLOCKS_DEBUG: "1",
      });
      expect(debug.code).toBe(2);
    }
    // A secret in a wrongly typed or badly formed place is not echoed either.
    const badKube = {
      type: "kubernetes-cluster-config",
      config: `${kubeconfig("https://127.0.0.1:1")}\n  broken: [`,
    };
    expect((await run("validate bad kubeconfig", ["validate", "-"], JSON.stringify(badKube))).code).toBe(2);
    const nested = {
      ...documents["docker-container"],
      imageRegistry: { ...(documents["docker-registry"] as object), extra: 1 },
    };
    expect((await run("validate nested", ["validate", "-"], JSON.stringify(nested))).code).toBe(2);
    for (const args of [["ls"], ["ls", "--json"], ["schema"], ["types", "--json"]]) {
      expect((await run(args.join(" "), args)).code).toBe(0);
    }
    await expectNoLeaks(home, said);
    // --reveal is the one way to see them, and the store keeps them, readable by the owner alone.
    const revealed = await cli(["show", "docker-registry/canary", "--reveal"], { home });
    expect(revealed.stdout).toContain(CANARIES.registryPassword);
    const stored = join(home, "documents", "docker-registry", "canary.json");
    expect((await stat(stored)).mode & 0o777).toBe(0o600);
    expect(await readFile(stored, "utf8")).toContain(CANARIES.registryPassword);
  }, 180_000);

  it("through process runs, their --json events, kill errors and a failing run", async () => {
    const file = join(directory, "process.json");
    const ok = await run("run process", ["run", file]);
    expect(ok.code).toBe(0);
    const json = await run("run --json process", ["run", file, "--json"]);
    expect(json.code).toBe(0);
    const missing = { ...documents.process, command: ["/nonexistent/canary-binary", CANARIES.envToken] };
    // The argument is the user's own and is not a secret field: only the env values must stay hidden.
    const failed = await cli(["run", "-"], { home, input: JSON.stringify(missing) });
    expect(failed.code).toBe(127);
    expect(
      leaks(`${failed.stdout}${failed.stderr}`, { ...CANARIES, envToken: "unused-in-this-check" }),
    ).toEqual([]);
    for (const identifier of [
      "no-colon",
      "otherhost:123",
      `${(await import("node:os")).hostname()}:999999`,
    ]) {
      const killed = await run(`kill process ${identifier}`, ["kill", file, identifier]);
      expect([2, 3, 4]).toContain(killed.code);
    }
    await expectNoLeaks(home, said);
  });

  // BUG (reported): `show` masks secret fields only, so env values named *TOKEN*/*PASSWORD* print raw
  // in `show` and `show --json` (previews mask them). The contract asks previews only to mask such
  // variables, but the brief's bar is that these values never show; expected `********` as in preview.
  it("masks env values named *TOKEN* and *PASSWORD* in show as preview does", async () => {
    const localHome = await freshHome();
    await cli(["save", "-", "--name", "env"], { home: localHome, input: JSON.stringify(documents.process) });
    const shown = await cli(["show", "process/env"], { home: localHome });
    expect(shown.code).toBe(0);
    expect(leaks(shown.stdout)).toEqual([]);
  });

  // BUG (reported): a NUL byte in a secret-named env value makes `run` fail with Node's own spawn
  // error, which quotes the value: `error: The property 'options.env['API_TOKEN']' must be a string
  // without null bytes. Received 'CanaryEnvToken-0b6f3a\x00'`. Expected: rejected at validation
  // (exit 2, `env.API_TOKEN`), and the value never printed.
  it("keeps an env secret out of the error when its value holds a NUL byte", async () => {
    const localHome = await freshHome();
    const result = await cli(["run", "-"], {
      home: localHome,
      input: JSON.stringify({
        type: "process",
        command: ["true"],
        env: { API_TOKEN: `${CANARIES.envToken}\0` },
      }),
    });
    expect(leaks(result.stderr)).toEqual([]);
  });
});

const docker = await dockerAvailable();

describe.runIf(docker)("secrets never leak from Docker and Kubernetes client errors", () => {
  let home: string;
  let registry: LocalRegistry;
  let server: KubeTestServer;
  let dockerConfig: string;
  const said: Said[] = [];
  const run = async (what: string, args: string[], input?: string, env?: NodeJS.ProcessEnv) => {
    const result = await cli(args, { home, input, env: { DOCKER_CONFIG: dockerConfig, ...env } });
    said.push({ what, result });
    return result;
  };

  beforeAll(async () => {
    home = await freshHome();
    dockerConfig = await mkdtemp(join(tmpdir(), "ib-canary-docker-config-"));
    [registry, server] = await Promise.all([startLocalRegistry(), startKubeTestServer()]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([registry?.stop(), server?.stop()]);
    await rm(home, { recursive: true, force: true });
    await rm(dockerConfig, { recursive: true, force: true });
  });

  it("a pull with a wrong registry password, through run, run --json and INFRABLOCKS_DEBUG=1", async () => {
    const document = JSON.stringify({
      type: "docker-container",
      image: registry.image,
      command: ["true"],
      env: envSecrets,
      autoRemove: true,
      imageRegistry: {
        type: "docker-registry",
        username: registry.username,
        password: CANARIES.registryPassword,
        registryUrl: registry.address,
      },
    });
    const plain = await run("run docker wrong password", ["run", "-"], document);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain(registry.address);
    expect((await run("run --json docker wrong password", ["run", "--json", "-"], document)).code).toBe(1);
    const debug = await run("run docker wrong password (debug)", ["run", "-"], document, {
      INFRABLOCKS_DEBUG: "1",
    });
    expect(debug.code).toBe(1);
    // An engine that does not answer, with the same secrets.
    const unreachable = await run("run docker unreachable engine", ["run", "-"], document, {
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
    });
    expect(unreachable.code).toBe(1);
    const kill = await run(
      "kill docker unknown",
      ["kill", "-", "unix:///var/run/docker.sock:0123456789ab"],
      document,
    );
    expect([3, 4]).toContain(kill.code);
    await expectNoLeaks(home, said);
    expect(
      leaks(said.map(({ result }) => result.stderr).join("\n"), { realPassword: registry.password }),
    ).toEqual([]);
  }, 120_000);

  it("a cluster that refuses the token, and one that does not answer, through run, kill and preview", async () => {
    const refused = JSON.stringify({
      type: "kubernetes-job",
      image: "busybox:1.36",
      command: ["true"],
      env: envSecrets,
      clusterConfig: {
        type: "kubernetes-cluster-config",
        config: server.kubeconfigYaml.replace(/token: .*/, `token: ${CANARIES.kubeToken}`),
      },
    });
    expect(refused).toContain(CANARIES.kubeToken);
    const unauthorized = await run("run kube 401", ["run", "-"], refused);
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toContain("401");
    expect(
      (await run("run --json kube 401 (debug)", ["run", "--json", "-"], refused, { INFRABLOCKS_DEBUG: "1" }))
        .code,
    ).toBe(1);
    const killed = await run(
      "kill kube 401",
      ["kill", "-", `${server.clusterUid}:default:canary-job`],
      refused,
    );
    expect([1, 3, 4]).toContain(killed.code);
    const withKey = JSON.stringify({
      type: "kubernetes-job",
      image: "busybox:1.36",
      command: ["true"],
      clusterConfig: {
        type: "kubernetes-cluster-config",
        // The test server answers, so the bad key fails fast instead of after the retries.
        config: kubeconfig(server.url),
        contextName: "with-key",
      },
    });
    const badKey = await run("run kube bad client key", ["run", "-"], withKey, { INFRABLOCKS_DEBUG: "1" });
    expect(badKey.code).not.toBe(0);
    const gone = JSON.stringify({
      ...JSON.parse(refused),
      clusterConfig: { type: "kubernetes-cluster-config", config: kubeconfig("https://127.0.0.1:1") },
    });
    // An unreachable cluster: retried for about 20 s, then exit 1 naming the address (bound 60 s).
    const started = performance.now();
    const unreachable = await run("run kube unreachable", ["run", "-"], gone);
    const took = performance.now() - started;
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("ECONNREFUSED 127.0.0.1:1");
    expect(unreachable.stderr).not.toMatch(/^\s+at /m);
    expect(took).toBeLessThan(60_000);
    console.info(
      `[unreachable] Kubernetes at 127.0.0.1:1: exit ${unreachable.code} after ${took.toFixed(0)} ms`,
    );
    expect((await run("preview kube", ["preview", "-"], refused)).code).toBe(0);
    await expectNoLeaks(home, said);
    // The test server saw the canary token: the requests really carried it.
    expect(server.requests.length).toBeGreaterThan(0);
  }, 120_000);
});
