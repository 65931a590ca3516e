import { type BlockType, exportBlockSchema, maskDocument, secretValues } from "@infrablocks/core";
import { describe, expect, it } from "vitest";
import { customizationList } from "./customizations.js";
import { kubernetesClusterConfigBlockType } from "./kubernetes-cluster-config-block.js";
import { kubernetesJobBlockType } from "./kubernetes-job-block.js";

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: test
clusters:
  - name: test
    cluster: { server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true }
users:
  - name: test
    user: { token: "s3cr3t-t0ken-value" }
contexts:
  - name: test
    context: { cluster: test, user: test }
  - name: other
    context: { cluster: test, user: test }
`;

/** What a block type finds wrong with a document: its schema's issues, else its check's problems. */
function issues(blockType: BlockType, value: unknown): string[] {
  const result = blockType.schema.safeParse(value);
  if (!result.success) return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  return (blockType.check?.(result.data) ?? []).map((problem) => `${problem.path}: ${problem.message}`);
}

describe("kubernetes-cluster-config", () => {
  it("accepts a kubeconfig as YAML text or as an object, with a known context", () => {
    expect(issues(kubernetesClusterConfigBlockType, { config: KUBECONFIG })).toEqual([]);
    expect(issues(kubernetesClusterConfigBlockType, { config: KUBECONFIG, contextName: "other" })).toEqual(
      [],
    );
  });

  it("names the available contexts for an unknown one, at contextName", () => {
    expect(issues(kubernetesClusterConfigBlockType, { config: KUBECONFIG, contextName: "prod" })).toEqual([
      "contextName: context 'prod' is not in the kubeconfig; specify one of: 'test', 'other'",
    ]);
  });

  it("reports unparsable YAML at config without echoing the text", () => {
    const [problem] = issues(kubernetesClusterConfigBlockType, { config: `${KUBECONFIG}\n  bad: [` });
    expect(problem).toMatch(
      /^config: the kubeconfig is not valid JSON or YAML: .* at line [0-9]+, column [0-9]+/,
    );
    expect(problem).not.toContain("s3cr3t");
  });

  it("is secret as a whole and masked in documents", () => {
    const schema = exportBlockSchema(kubernetesClusterConfigBlockType);
    expect(schema.secret_fields).toEqual(["config"]);
    expect(schema.properties.config).toMatchObject({ format: "password", writeOnly: true });
    expect(maskDocument(kubernetesClusterConfigBlockType, { config: KUBECONFIG }).config).toBe("********");
  });
});

describe("kubernetes-job", () => {
  it("exports a schema with a description for every field and the nested secret", () => {
    const schema = exportBlockSchema(kubernetesJobBlockType);
    expect(schema.title).toBe("Kubernetes Job");
    expect(schema.capabilities).toEqual(["run-infrastructure"]);
    expect(schema.secret_fields).toEqual(["clusterConfig.config"]);
    expect(schema.block_schema_references.clusterConfig?.block_type_slug).toBe("kubernetes-cluster-config");
    for (const [name, property] of Object.entries(schema.properties)) {
      expect(property.description, name).toEqual(expect.any(String));
    }
    expect(kubernetesJobBlockType.schema.parse({}).podWatchTimeoutSeconds).toBe(60);
  });

  it("lists the missing paths and conflicting values of a job at `job`", () => {
    const [problem] = issues(kubernetesJobBlockType, { job: { apiVersion: "v1", kind: "Job" } });
    expect(problem).toMatch(
      /^job: .*missing required attributes at \/metadata, \/spec.*\/apiVersion must be "batch\/v1"/,
    );
  });

  it("keeps customizations given as JSON or YAML text, checks them, with a clear error for bad text", () => {
    const json = '[{"op": "add", "path": "/spec/activeDeadlineSeconds", "value": 60}]';
    const config = kubernetesJobBlockType.schema.parse({ customizations: json });
    expect(config.customizations).toBe(json);
    expect(customizationList(config.customizations)).toEqual([
      { op: "add", path: "/spec/activeDeadlineSeconds", value: 60 },
    ]);
    const yaml = "- op: remove\n  path: /spec/ttlSecondsAfterFinished\n";
    expect(
      customizationList(kubernetesJobBlockType.schema.parse({ customizations: yaml }).customizations),
    ).toHaveLength(1);
    expect(issues(kubernetesJobBlockType, { customizations: json })).toEqual([]);
    // The shapes first, as a list given as such: the pointer 'x' is told once they are right.
    expect(issues(kubernetesJobBlockType, { customizations: '[{"op": "add", "path": "x"}, 3]' })).toEqual([
      "customizations.0.value: required",
      "customizations.1: an operation must be an object with op and path",
    ]);
    expect(
      issues(kubernetesJobBlockType, { customizations: '[{"op": "add", "path": "x", "value": 3}]' }),
    ).toEqual(["customizations.0.path: 'x' is not a JSON pointer: it must start with '/'"]);
    expect(issues(kubernetesJobBlockType, { customizations: "[{" })).toEqual([
      expect.stringMatching(/^customizations: the customizations text is not valid JSON or YAML/),
    ]);
    expect(
      issues(kubernetesJobBlockType, {
        customizations: [{ op: "add", path: "/__proto__/x", value: 1 }],
      }),
    ).toEqual([expect.stringMatching(/^customizations\.0\.path: .*'__proto__'/)]);
  });

  it("reports a field that contradicts the manifest, and a label with nothing valid in its key", () => {
    const job = kubernetesJobBlockType.schema.parse({}).job as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    (job.spec.template.spec.containers[0] as Record<string, unknown>).image = "alpine:3";
    expect(issues(kubernetesJobBlockType, { job, image: "busybox", labels: { "***": "x" } })).toEqual([
      expect.stringMatching(
        /^image: "busybox" conflicts with the job's \/spec\/template\/spec\/containers\/0\/image/,
      ),
      "labels.***: nothing of this key is a valid Kubernetes label name (letters, digits, '-', '_', '.')",
    ]);
  });

  it("lets the namespace field override the manifest's without a conflict", () => {
    const job = kubernetesJobBlockType.schema.parse({}).job as { metadata: Record<string, unknown> };
    job.metadata.namespace = "b";
    expect(issues(kubernetesJobBlockType, { job, namespace: "a" })).toEqual([]);
  });

  it("names an unknown op and a missing value or from instead of 'Invalid input'", () => {
    expect(
      issues(kubernetesJobBlockType, {
        customizations: [
          { op: "frobnicate", path: "/a" },
          { op: "add", path: "/a" },
          { op: "copy", path: "/a" },
          { op: "remove", path: "spec" },
        ],
      }),
    ).toEqual([
      'customizations: operation 0: unknown op "frobnicate"; use one of add, remove, replace, test, move, copy; ' +
        "operation 1: add /a needs a value; operation 2: copy /a needs a from (a JSON pointer string); " +
        "operation 3: path: 'spec' is not a JSON pointer: it must start with '/'",
    ]);
  });

  it("check applies the customizations to the effective manifest and names a failing operation", () => {
    const check = (customizations: unknown) =>
      kubernetesJobBlockType.check?.(kubernetesJobBlockType.schema.parse({ namespace: "a", customizations }));
    expect(check([{ op: "test", path: "/metadata/namespace", value: "a" }])).toEqual([]);
    expect(
      check([
        { op: "add", path: "/spec/parallelism", value: 1 },
        { op: "remove", path: "/spec/nothere" },
      ]),
    ).toEqual([
      { path: "customizations.1", message: "remove /spec/nothere: there is nothing at '/spec/nothere'" },
    ]);
    expect(check([{ op: "remove", path: "/spec/template" }])).toEqual([
      {
        path: "customizations",
        message: expect.stringMatching(/^after patching, the job must contain the base Job manifest/),
      },
    ]);
  });

  it("collects the kubeconfig's credentials for scrubbing", () => {
    const config = kubernetesJobBlockType.schema.parse({
      clusterConfig: { type: "kubernetes-cluster-config", config: KUBECONFIG },
    });
    expect(secretValues(kubernetesJobBlockType, config)).toContain("s3cr3t-t0ken-value");
  });
});
