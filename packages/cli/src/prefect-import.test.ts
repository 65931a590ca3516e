import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BlockRegistry, isInfrablocksError } from "@infrablocks/core";
import { blockTypes as registryTypes } from "@infrablocks/docker-registry";
import { blockTypes as dockerTypes } from "@infrablocks/infra-docker";
import { blockTypes as kubernetesTypes } from "@infrablocks/infra-kubernetes";
import { blockTypes as processTypes } from "@infrablocks/infra-process";
import { describe, expect, it } from "vitest";
import { importPrefectDocuments, parsePrefectText } from "./prefect-import.js";

const FIXTURES = join(import.meta.dirname, "../test/fixtures/prefect");
const registry = new BlockRegistry([...processTypes, ...registryTypes, ...dockerTypes, ...kubernetesTypes]);
const REGISTRY = {
  block_type_slug: "docker-registry",
  username: "ci-bot",
  password: "s3cr3t",
  registry_url: "registry.example.com",
};

function importFixture(file: string, fallbackName?: string) {
  const inputs = parsePrefectText(readFileSync(join(FIXTURES, file), "utf8"), file);
  return importPrefectDocuments(inputs, registry, {
    source: file,
    ...(fallbackName ? { fallbackName } : {}),
  });
}

describe("importPrefectDocuments", () => {
  it("dispatches by slug to each type's own import and keeps the Prefect block names", async () => {
    const { documents, problems } = await importFixture("api-export.json");
    expect(problems).toEqual([]);
    expect(documents.map((entry) => `${entry.slug}/${entry.name}`)).toEqual([
      "kubernetes-cluster-config/prod-cluster",
      "kubernetes-job/etl-job",
    ]);
    // A Prefect `$ref` by block document id becomes a `$ref` to the document of this import.
    expect(documents[1]?.document.clusterConfig).toEqual({ $ref: "kubernetes-cluster-config/prod-cluster" });
  });

  it("makes an inline registry a document of its own, named after its parent, before the container", async () => {
    const { documents } = await importFixture("docker-container.yaml", "etl");
    expect(documents.map((entry) => [entry.slug, entry.name, entry.label])).toEqual([
      ["docker-registry", "etl-image-registry", "docker-container.yaml image_registry"],
      ["docker-container", "etl", "docker-container.yaml"],
    ]);
    expect(documents[0]?.document).toEqual({
      type: "docker-registry",
      username: "ci-bot",
      password: "s3cr3t-registry-password",
      registryUrl: "registry.example.com:5000",
      reauth: true,
    });
    expect(documents[1]?.document.imageRegistry).toEqual({ $ref: "docker-registry/etl-image-registry" });
  });

  it("writes a registry shared by several containers once, and numbers names that clash", async () => {
    const container = { block_type_slug: "docker-container", image: "busybox", image_registry: REGISTRY };
    const { documents } = await importPrefectDocuments(
      [
        { name: "Team Registry", block_type: { slug: "docker-registry" }, data: REGISTRY },
        { name: "a", block_type: { slug: "docker-container" }, data: container },
        { name: "b", block_type: { slug: "docker-container" }, data: container },
        { block_type_slug: "process", command: ["true"] },
        { block_type_slug: "process", command: ["false"] },
      ],
      registry,
      { source: "x.json" },
    );
    expect(documents.map((entry) => `${entry.slug}/${entry.name}`)).toEqual([
      "docker-registry/team-registry",
      "docker-container/a",
      "docker-container/b",
      "process/process",
      "process/process-2",
    ]);
    expect(documents[2]?.document.imageRegistry).toEqual({ $ref: "docker-registry/team-registry" });
  });

  it("reports what it cannot convert, by document and Prefect path", async () => {
    const { documents, problems } = await importFixture("with-problems.yaml");
    expect(problems.map((problem) => `${problem.label}: ${problem.path}`)).toEqual([
      "with-problems.yaml#1: image",
      "with-problems.yaml#1: image_registry.$ref",
      "with-problems.yaml#1: extra_thing",
      "with-problems.yaml#2: password",
      "with-problems.yaml#3: block_type_slug",
    ]);
    expect(problems[1]?.text).toMatch(/9d3c1e2a-0000-4000-8000-00000000abcd.*cannot be fetched offline/);
    expect(problems[4]?.text).toMatch(/^'s3' is not a block type this import converts \(docker-container, /);
    expect(documents.map((entry) => entry.slug)).toEqual(["docker-container", "docker-registry"]);
  });

  it("refuses a nested block of the wrong type, and a $ref back to the document that holds it", async () => {
    const { documents, problems } = await importPrefectDocuments(
      [
        {
          block_type_slug: "docker-container",
          image: "busybox",
          image_registry: { block_type_slug: "process" },
        },
      ],
      registry,
      { source: "x" },
    );
    expect(problems).toEqual([
      { label: "x", path: "image_registry", text: "expected a docker-registry block, got process" },
    ]);
    expect(documents.map((entry) => entry.slug)).toEqual(["docker-container"]);

    const looped = await importPrefectDocuments(
      [
        {
          id: "a",
          block_type: { slug: "kubernetes-job" },
          data: { cluster_config: { $ref: { block_document_id: "a" } } },
        },
      ],
      registry,
      { source: "x" },
    );
    expect(looped.problems).toEqual([
      { label: "x", path: "cluster_config.$ref", text: 'refers back to the document that holds it ("a")' },
    ]);
  });
});

describe("parsePrefectText", () => {
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
