import { mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseYaml } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { cli, freshHome } from "./cli-support.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/prefect");
const REGISTRY_PASSWORD = "s3cr3t-registry-password";
const CLUSTER_TOKEN = "prod-cluster-token-5b8d0e1f";

/** The documents of a YAML stream, as `validate` and `save` read it. */
function documentsOf(stream: string): Record<string, unknown>[] {
  return stream.split(/^---$/m).map((part) => parseYaml(part) as Record<string, unknown>);
}

describe("infrablocks import-prefect", () => {
  it.each([
    ["process.json", "process"],
    ["docker-container.yaml", "docker-container"],
    ["docker-registry.json", "docker-registry"],
    ["kubernetes-cluster-config.yaml", "kubernetes-cluster-config"],
    ["kubernetes-job.json", "kubernetes-job"],
  ])("converts %s to a valid %s document, printed as YAML with secrets masked", async (file, slug) => {
    const { code, stdout, stderr } = await cli(["import-prefect", join(FIXTURES, file)], {
      home: await freshHome(),
    });
    expect(code, stderr).toBe(0);
    expect(documentsOf(stdout).at(-1)).toMatchObject({ type: slug });
    expect(stdout + stderr).not.toContain(REGISTRY_PASSWORD);
    expect(stdout + stderr).not.toContain(CLUSTER_TOKEN);
  });

  it("says that secrets are masked, and prints notes to stderr", async () => {
    const { stdout, stderr } = await cli(["import-prefect", join(FIXTURES, "kubernetes-job.json")], {
      home: await freshHome(),
    });
    expect(stderr).toContain("Secrets are masked in this output; --out DIR or --name NAME keeps them.");
    expect(stderr).toMatch(
      /note: .*kubernetes-job.json: job.spec.template.spec.containers.0.name: Prefect's job container/,
    );
    expect(stdout).toContain("name: infrablocks-job");
  });

  it("keeps the Prefect names and turns a Prefect $ref into a $ref to the document it printed", async () => {
    const { code, stdout } = await cli(["import-prefect", join(FIXTURES, "api-export.json")], {
      home: await freshHome(),
    });
    expect(code).toBe(0);
    const [cluster, job] = documentsOf(stdout);
    expect(cluster).toMatchObject({
      $name: "prod-cluster",
      type: "kubernetes-cluster-config",
      config: "********",
    });
    expect(job).toMatchObject({
      $name: "etl-job",
      type: "kubernetes-job",
      clusterConfig: { $ref: "kubernetes-cluster-config/prod-cluster" },
    });
  });

  it("prints a stream validate reads back, each document named, its masks refused with the way to the real value", async () => {
    const home = await freshHome();
    const printed = await cli(["import-prefect", join(FIXTURES, "docker-container.yaml")], { home });
    expect(printed.code).toBe(0);
    const [registry, container] = documentsOf(printed.stdout);
    // The registry is printed once, as a document of its own, and the container refers to it.
    expect(registry).toMatchObject({ $name: "docker-container-image-registry", password: "********" });
    expect(container).toMatchObject({
      imageRegistry: { $ref: "docker-registry/docker-container-image-registry" },
    });
    expect(printed.stdout.match(/username:/g)).toHaveLength(1);

    const validated = await cli(["validate", "-"], { home, input: printed.stdout });
    expect(validated.code).toBe(2);
    expect(validated.stderr).not.toMatch(/parseAllDocuments/);
    expect(validated.stderr).toContain(
      "error: Invalid docker-registry document (stdin#1 docker-registry/docker-container-image-registry):\n  password: holds '********'",
    );
    expect(validated.stderr).toContain("import-prefect --out or --name keeps Prefect's");
    expect(validated.stderr).toContain("imageRegistry.password: holds '********'");
    expect(validated.stderr).toContain("2 of 2 documents in stdin are not valid.");
  });

  it("masks secret-named env values field by field, however short, so that the output reads back", async () => {
    const home = await freshHome();
    const file = join(await mkdtemp(join(tmpdir(), "ib-prefect-env-")), "process.json");
    const exported = {
      type: "process",
      name: "with-tokens",
      command: ["env"],
      env: { A_TOKEN: "pf-tok", MY_PASSWORD: "x1", LEVEL: "debug" },
    };
    await writeFile(file, JSON.stringify(exported));
    const printed = await cli(["import-prefect", file], { home });
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).not.toContain("pf-tok");
    expect(printed.stdout).not.toMatch(/MY_PASSWORD: x1/);
    expect(documentsOf(printed.stdout)[0]).toMatchObject({
      env: { A_TOKEN: "********", MY_PASSWORD: "********", LEVEL: "debug" },
    });
    // Read back, the masks are refused as masks (not as YAML aliases), with the way to the real values.
    const validated = await cli(["validate", "-"], { home, input: printed.stdout });
    expect(validated.code).toBe(2);
    expect(validated.stderr).not.toContain("alias");
    expect(validated.stderr).toContain("env.A_TOKEN: holds '********'");
    expect(validated.stderr).toContain("env.MY_PASSWORD: holds '********'");
  });

  it("names a document without a Prefect name NAME with --name, else by its slug; save - stores the stream", async () => {
    const home = await freshHome();
    const printed = await cli(["import-prefect", join(FIXTURES, "process.json"), "--name", "etl"], { home });
    expect(printed.code).toBe(0);
    const saved = await cli(["import-prefect", join(FIXTURES, "process.json")], { home });
    const stored = await cli(["save", "-"], { home, input: saved.stdout });
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stderr).toContain("Saved process/process");
    expect((await cli(["ls", "--json"], { home })).stdout).toContain('"name": "etl"');
  });

  it("prints a stream that save --overwrite takes over saved documents, keeping every stored secret", async () => {
    const home = await freshHome();
    const file = join(FIXTURES, "docker-container.yaml");
    const out = await mkdtemp(join(tmpdir(), "ib-import-out-"));
    expect((await cli(["import-prefect", file, "--out", out], { home })).code).toBe(0);
    for (const written of [
      "docker-registry.docker-container-image-registry",
      "docker-container.docker-container",
    ]) {
      expect((await cli(["save", join(out, `${written}.yaml`)], { home })).code).toBe(0);
    }
    const masked = await cli(["import-prefect", file], { home });
    const saved = await cli(["save", "-", "--overwrite"], { home, input: masked.stdout });
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stderr).toContain("Kept the stored value of password (given as ********).");
    const shown = await cli(["show", "docker-registry/docker-container-image-registry", "--reveal"], {
      home,
    });
    expect(shown.stdout).toContain(REGISTRY_PASSWORD);
  });

  it("exits 1 and lists the problems on stderr, by document and Prefect path", async () => {
    const { code, stdout, stderr } = await cli(["import-prefect", join(FIXTURES, "with-problems.yaml")], {
      home: await freshHome(),
    });
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
    expect(documentsOf(stdout)).toHaveLength(2);
  });

  it("exits 2 for a file it cannot read", async () => {
    const home = await freshHome();
    const missing = await cli(["import-prefect", "/nonexistent/prefect.json"], { home });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error: Cannot read \/nonexistent\/prefect.json: ENOENT/);
    const folder = await mkdtemp(join(tmpdir(), "ib-import-bad-"));
    await writeFile(join(folder, "bad.json"), "{ not json");
    const garbage = await cli(["import-prefect", join(folder, "bad.json")], { home });
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toMatch(/error: Cannot read .*bad.json as a Prefect export/);
  });

  it("saves with --name under the Prefect names, the registry once and referred to, secrets intact", async () => {
    const home = await freshHome();
    const several = await cli(["import-prefect", join(FIXTURES, "api-export.json"), "--name", "prod"], {
      home,
    });
    expect(several.code, several.stderr).toBe(0);
    expect(several.stdout).toBe("");
    const listed = JSON.parse((await cli(["ls", "--json"], { home })).stdout) as {
      slug: string;
      name: string;
    }[];
    expect(listed.map((doc) => `${doc.slug}/${doc.name}`)).toEqual([
      "kubernetes-cluster-config/prod-cluster",
      "kubernetes-job/etl-job",
    ]);

    const container = await cli(
      ["import-prefect", join(FIXTURES, "docker-container.yaml"), "--name", "etl"],
      {
        home,
      },
    );
    expect(container.code, container.stderr).toBe(0);
    const registry = await cli(["show", "docker-registry/etl-image-registry", "--reveal"], { home });
    expect(registry.stdout).toContain(REGISTRY_PASSWORD);
    const shown = await cli(["show", "docker-container/etl"], { home });
    expect(shown.stdout).toContain("$ref: docker-registry/etl-image-registry");
    expect(shown.stdout).not.toContain(REGISTRY_PASSWORD);
    expect((await cli(["preview", "docker-container/etl"], { home })).code).toBe(0);
  });

  it("writes --out files named <slug>.<name>.yaml, readable by the owner alone, that save reads by their $name", async () => {
    const home = await freshHome();
    const out = join(await mkdtemp(join(tmpdir(), "ib-import-out-")), "converted");
    const { code, stdout } = await cli(["import-prefect", join(FIXTURES, "api-export.json"), "--out", out], {
      home,
    });
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect((await readdir(out)).sort()).toEqual([
      "kubernetes-cluster-config.prod-cluster.yaml",
      "kubernetes-job.etl-job.yaml",
    ]);
    const clusterFile = join(out, "kubernetes-cluster-config.prod-cluster.yaml");
    expect((await stat(clusterFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(clusterFile, "utf8")).toContain(CLUSTER_TOKEN);
    expect((await cli(["save", clusterFile], { home })).stderr).toContain(
      "Saved kubernetes-cluster-config/prod-cluster",
    );
    const job = await cli(["save", join(out, "kubernetes-job.etl-job.yaml")], { home });
    expect(job.code, job.stderr).toBe(0);
  });
});
