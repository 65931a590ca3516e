import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseYaml } from "@infrablocks/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { importPrefectCommand } from "../../src/commands/import-prefect.js";
import { Session } from "../../src/session.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/prefect");
const REGISTRY_PASSWORD = "s3cr3t-registry-password";
const CLUSTER_TOKEN = "prod-cluster-token-5b8d0e1f";

/** Runs the command in this process with its own store, capturing what it prints. */
async function importPrefect(file: string, options: { out?: string; name?: string } = {}) {
  const home = await mkdtemp(join(tmpdir(), "ib-import-"));
  vi.stubEnv("INFRABLOCKS_HOME", home);
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const session = new Session();
  const path = file.startsWith("/") ? file : join(FIXTURES, file);
  const code = await importPrefectCommand(session, path, options);
  vi.restoreAllMocks();
  return { code, stdout, stderr, session };
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("infrablocks import-prefect", () => {
  it.each([
    ["process.json", "process"],
    ["docker-container.yaml", "docker-container"],
    ["docker-registry.json", "docker-registry"],
    ["kubernetes-cluster-config.yaml", "kubernetes-cluster-config"],
    ["kubernetes-job.json", "kubernetes-job"],
  ])("converts %s to a valid %s document, printed as YAML with secrets masked", async (file, slug) => {
    const { code, stdout, stderr } = await importPrefect(file);
    expect(code, stderr).toBe(0);
    expect(parseYaml(stdout)).toMatchObject({ type: slug });
    expect(stdout + stderr).not.toContain(REGISTRY_PASSWORD);
    expect(stdout + stderr).not.toContain(CLUSTER_TOKEN);
  });

  it("says that secrets are masked, and prints notes to stderr", async () => {
    const { stdout, stderr } = await importPrefect("kubernetes-job.json");
    expect(stderr).toContain("Secrets are masked in this output; --out DIR or --name NAME keeps them.");
    expect(stderr).toMatch(
      /note: .*kubernetes-job.json: job.spec.template.spec.containers.0.name: Prefect's job container/,
    );
    expect(stdout).toContain("name: infrablocks-job");
  });

  it("prints several documents as one YAML stream, a $ref resolved inside the export", async () => {
    const { code, stdout } = await importPrefect("api-export.json");
    expect(code).toBe(0);
    const [cluster, job] = stdout.split(/^---$/m).map((part) => parseYaml(part));
    expect(cluster).toMatchObject({ type: "kubernetes-cluster-config", contextName: "prod" });
    expect(job).toMatchObject({
      type: "kubernetes-job",
      clusterConfig: { type: "kubernetes-cluster-config" },
    });
  });

  it("exits 1 and lists the problems on stderr, by document and Prefect path", async () => {
    const { code, stdout, stderr } = await importPrefect("with-problems.yaml");
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /with-problems.yaml#1: image: 'prefecthq\/prefect:2.14.21-python3.11' is Prefect's default image/,
    );
    expect(stderr).toMatch(
      /with-problems.yaml#1: image_registry.\$ref: refers to a saved Prefect block document/,
    );
    expect(stderr).toMatch(
      /with-problems.yaml#1: extra_thing: not a field of Prefect's docker-container block/,
    );
    expect(stderr).toMatch(/with-problems.yaml#2: password: the export holds the masked value/);
    expect(stderr).toMatch(
      /with-problems.yaml#2: the converted document is not valid yet: .*password: required/s,
    );
    expect(stderr).toMatch(
      /with-problems.yaml#3: block_type_slug: 's3' is not a block type this import converts/,
    );
    // The convertible documents are still printed, for the user to finish.
    expect(stdout.split(/^---$/m)).toHaveLength(2);
  });

  it("exits 2 for a file it cannot read", async () => {
    const missing = await importPrefect("/nonexistent/prefect.json");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error: Cannot read \/nonexistent\/prefect.json: ENOENT/);
    const folder = await mkdtemp(join(tmpdir(), "ib-import-bad-"));
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(folder, "bad.json"), "{ not json");
    const garbage = await importPrefect(join(folder, "bad.json"));
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/error: Cannot read .*bad.json as a Prefect export/);
  });

  it("saves the documents with --name, secrets intact, numbering several", async () => {
    const single = await importPrefect("docker-registry.json", { name: "team" });
    expect(single.code).toBe(0);
    expect(single.stdout).toBe("");
    expect(await single.session.store.load("docker-registry", "team")).toMatchObject({
      password: REGISTRY_PASSWORD,
    });

    const several = await importPrefect("api-export.json", { name: "prod" });
    expect(several.code).toBe(0);
    expect((await several.session.store.list()).map((doc) => `${doc.slug}/${doc.name}`)).toEqual([
      "kubernetes-cluster-config/prod-1",
      "kubernetes-job/prod-2",
    ]);
  });

  it("writes the documents to --out files readable by the owner alone, named after the Prefect documents", async () => {
    const out = join(await mkdtemp(join(tmpdir(), "ib-import-out-")), "converted");
    const { code, stdout } = await importPrefect("api-export.json", { out });
    expect(code).toBe(0);
    expect(stdout).toBe("");
    const clusterFile = join(out, "prod-cluster-1.yaml");
    expect((await stat(clusterFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(clusterFile, "utf8")).toContain(CLUSTER_TOKEN);
    expect(parseYaml(await readFile(join(out, "etl-job-2.yaml"), "utf8"))).toMatchObject({
      type: "kubernetes-job",
    });
  });
});
