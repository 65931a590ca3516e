import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BlockRegistry, isInfrablocksError, resolveBlock } from "@infrablocks/core";
import { blockTypes as registryTypes } from "@infrablocks/docker-registry";
import { blockTypes as dockerTypes } from "@infrablocks/infra-docker";
import { blockTypes as kubernetesTypes } from "@infrablocks/infra-kubernetes";
import { blockTypes as processTypes } from "@infrablocks/infra-process";
import { describe, expect, it } from "vitest";
import { convertPrefectDocuments, parsePrefectText } from "./prefect-import.js";

const FIXTURES = join(import.meta.dirname, "../test/fixtures/prefect");
const registry = new BlockRegistry([...processTypes, ...registryTypes, ...dockerTypes, ...kubernetesTypes]);

function convertFixture(file: string) {
  return convertPrefectDocuments(parsePrefectText(readFileSync(join(FIXTURES, file), "utf8"), file));
}

async function validate(document: Record<string, unknown> | undefined) {
  return (
    await resolveBlock(registry, document ?? {}, async () => {
      throw new Error("the converted documents hold no $ref");
    })
  ).config;
}

describe("Prefect import", () => {
  it("converts a process block: snake_case fields, nulls left out, PREFECT_* env kept with a note", async () => {
    const [converted] = convertFixture("process.json");
    expect(converted).toEqual({
      slug: "process",
      document: {
        type: "process",
        env: { PREFECT_API_URL: "http://127.0.0.1:4200/api", LOG_LEVEL: "debug", PYTHONPATH: null },
        labels: { team: "data" },
        name: "nightly-etl",
        command: ["python", "-m", "etl.nightly", "--date", "2023-11-28"],
        streamOutput: true,
        workingDir: "/srv/etl",
      },
      problems: [],
      notes: [
        { path: "env.PREFECT_API_URL", note: expect.stringMatching(/^kept as is; .*INFRABLOCKS_API_URL/) },
      ],
    });
    await validate(converted?.document);
  });

  it("converts a docker-container block with its registry inline and Docker's pull policy spelled anew", async () => {
    const [converted] = convertFixture("docker-container.yaml");
    expect(converted?.problems).toEqual([]);
    expect(converted?.document).toEqual({
      type: "docker-container",
      env: { EXTRA_PIP_PACKAGES: "s3fs" },
      labels: { "io.prefect.team": "data" },
      name: "etl-container",
      command: ["python", "-m", "etl.run"],
      image: "registry.example.com:5000/team/etl:1.4",
      imagePullPolicy: "IfNotPresent",
      imageRegistry: {
        type: "docker-registry",
        username: "ci-bot",
        password: "s3cr3t-registry-password",
        registryUrl: "registry.example.com:5000",
        reauth: true,
      },
      networks: [],
      autoRemove: true,
      volumes: ["/srv/data:/data:ro"],
      streamOutput: true,
      memswapLimit: "1g",
      memLimit: "512m",
      privileged: false,
    });
    expect(await validate(converted?.document)).toMatchObject({ imagePullPolicy: "IfNotPresent" });
  });

  it("converts a docker-registry block from the API's block document form, keeping its name", async () => {
    const [converted] = convertFixture("docker-registry.json");
    expect(converted).toEqual({
      slug: "docker-registry",
      name: "team-registry",
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
    await validate(converted?.document);
  });

  it("converts a kubernetes-cluster-config block, its kubeconfig kept whole", async () => {
    const [converted] = convertFixture("kubernetes-cluster-config.yaml");
    expect(converted?.problems).toEqual([]);
    expect(converted?.document).toMatchObject({ type: "kubernetes-cluster-config", contextName: "prod" });
    expect(converted?.document?.config).toMatchObject({
      users: [{ name: "ci", user: { token: "prod-cluster-token-5b8d0e1f" } }],
    });
    await validate(converted?.document);
  });

  it("converts a kubernetes-job block: prefect-job renamed, misplaced fields dropped, patch text parsed", async () => {
    const [converted] = convertFixture("kubernetes-job.json");
    expect(converted?.problems).toEqual([]);
    const document = converted?.document ?? {};
    expect(document).toMatchObject({
      type: "kubernetes-job",
      namespace: "batch",
      serviceAccountName: "etl-runner",
      imagePullPolicy: "IfNotPresent",
      clusterConfig: { type: "kubernetes-cluster-config", contextName: "prod" },
      customizations: [{ op: "add", path: "/spec/template/spec/nodeSelector", value: { pool: "batch" } }],
      jobWatchTimeoutSeconds: 3600,
      podWatchTimeoutSeconds: 120,
      finishedJobTtl: 300,
      streamOutput: true,
    });
    expect(document.job).toEqual({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { labels: { "cost-center": "analytics" } },
      spec: {
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: "Never",
            containers: [{ name: "infrablocks-job", env: [], resources: { limits: { memory: "1Gi" } } }],
          },
        },
      },
    });
    expect(converted?.notes.map((note) => note.path)).toEqual([
      "env.PREFECT_LOGGING_LEVEL",
      "job.spec.template.spec.parallelism",
      "job.spec.template.spec.completions",
      "job.spec.template.spec.containers.0.name",
    ]);
    expect(converted?.notes[3]?.note).toMatch(/'prefect-job' is named 'infrablocks-job' in infrablocks/);
    await validate(document);
  });

  it("resolves a $ref to a block document the same export holds, and leaves Prefect's default manifest out", async () => {
    const [cluster, job] = convertFixture("api-export.json");
    expect(cluster?.name).toBe("prod-cluster");
    expect(job?.problems).toEqual([]);
    expect(job?.notes).toEqual([
      { path: "job", note: expect.stringMatching(/Prefect's default base job manifest/) },
    ]);
    expect(job?.document?.job).toBeUndefined();
    expect(job?.document?.clusterConfig).toEqual(cluster?.document);
    await validate(job?.document);
  });

  it("reports what it cannot convert, by the field's Prefect path", () => {
    const [container, registryBlock, s3] = convertFixture("with-problems.yaml");
    expect(container?.problems).toEqual([
      {
        path: "image",
        problem: expect.stringMatching(/^'prefecthq\/prefect:2.14.21-python3.11' is Prefect's default image/),
      },
      {
        path: "image_registry.$ref",
        problem: expect.stringMatching(/9d3c1e2a-0000-4000-8000-00000000abcd.*cannot be fetched offline/),
      },
      {
        path: "extra_thing",
        problem: "not a field of Prefect's docker-container block that infrablocks knows; left out",
      },
    ]);
    expect(container?.document).toEqual({
      type: "docker-container",
      image: "prefecthq/prefect:2.14.21-python3.11",
      command: ["python", "-m", "flow"],
    });
    expect(registryBlock?.problems).toEqual([
      { path: "password", problem: expect.stringMatching(/^the export holds the masked value/) },
    ]);
    expect(registryBlock?.document).not.toHaveProperty("password");
    expect(s3).toEqual({
      problems: [
        {
          path: "block_type_slug",
          problem: expect.stringMatching(/^'s3' is not a block type this import converts/),
        },
      ],
      notes: [],
    });
  });

  it("reports values it cannot map: a pull policy, patch text, a field the referenced type lacks", () => {
    const [container, job] = convertPrefectDocuments([
      { block_type_slug: "docker-container", image: "busybox", image_pull_policy: "SOMETIMES" },
      {
        id: "a",
        block_type_slug: "kubernetes-job",
        data: { customizations: "[{not json", cluster_config: { $ref: { block_document_id: "b" } } },
      },
      {
        id: "b",
        block_type_slug: "kubernetes-cluster-config",
        data: { cluster_config: { $ref: { block_document_id: "b" } } },
      },
    ]);
    expect(container?.problems).toEqual([
      {
        path: "image_pull_policy",
        problem: '"SOMETIMES" is not a pull policy (IF_NOT_PRESENT, ALWAYS, NEVER)',
      },
    ]);
    expect(job?.problems).toEqual([
      { path: "customizations", problem: "not valid JSON; an RFC 6902 patch is a JSON list of operations" },
      {
        path: "cluster_config.cluster_config",
        problem: "not a field of Prefect's kubernetes-cluster-config block that infrablocks knows; left out",
      },
    ]);
  });

  it("reads a list, a YAML stream or one document, and rejects anything else as unreadable", () => {
    expect(parsePrefectText('[{"type": "process"}, {"type": "process"}]', "list")).toHaveLength(2);
    expect(
      parsePrefectText("type: process\n---\n# only a comment\n---\ntype: process\n", "stream"),
    ).toHaveLength(2);
    for (const text of ["", "just text", "[1, 2]", "{broken", "a: [\n"]) {
      let caught: unknown;
      try {
        parsePrefectText(text, "bad.yaml");
      } catch (error) {
        caught = error;
      }
      expect(isInfrablocksError(caught, "INVALID_DOCUMENT"), text).toBe(true);
      expect((caught as Error).message).toMatch(/^Cannot read bad.yaml as a Prefect export: /);
    }
  });
});
