import { describe, expect, it } from "vitest";
import {
  baseJobManifest,
  baseManifestProblem,
  buildJobManifest,
  effectiveNamespace,
  type JobSettings,
  maskManifest,
  shortcutConflicts,
} from "./job-manifest.js";

const settings = (overrides: Partial<JobSettings> = {}): JobSettings => ({
  env: {},
  labels: {},
  job: baseJobManifest(),
  customizations: [],
  command: ["echo", "hi"],
  ...overrides,
});

type Container = {
  name: string;
  image?: string;
  env: { name: string; value?: string; valueFrom?: unknown }[];
};
const containerOf = (manifest: Record<string, unknown>) =>
  (manifest as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec
    .containers[0] as Container;

describe("baseManifestProblem", () => {
  it("accepts the base manifest and any superset of it", () => {
    expect(baseManifestProblem(baseJobManifest())).toBeUndefined();
    const richer = baseJobManifest() as { spec: Record<string, unknown> };
    richer.spec.backoffLimit = 3;
    expect(baseManifestProblem(richer)).toBeUndefined();
  });

  it("lists the missing paths and the conflicting values", () => {
    const problem = baseManifestProblem({
      apiVersion: "batch/v2",
      kind: "Job",
      spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "other", env: {} }] } } },
    });
    expect(problem).toContain("missing required attributes at /metadata");
    expect(problem).toContain('/apiVersion must be "batch/v1"');
    expect(problem).toContain('/spec/template/spec/restartPolicy must be "Never"');
    expect(problem).toContain('/spec/template/spec/containers/0/name must be "infrablocks-job"');
    expect(problem).toContain("/spec/template/spec/containers/0/env must be a list");
  });
});

describe("buildJobManifest", () => {
  it("fills the shortcuts into the base manifest", () => {
    const { manifest, namespace } = buildJobManifest(
      settings({
        name: "Nightly ETL",
        image: "busybox:1.36",
        imagePullPolicy: "Never",
        serviceAccountName: "runner",
        finishedJobTtl: 60,
        backoffLimit: 0,
        labels: { "example.com/flow name": "My Flow" },
      }),
      {},
    );
    expect(namespace).toBe("default");
    expect(manifest).toMatchObject({
      metadata: {
        namespace: "default",
        generateName: "nightly-etl-",
        labels: { "example.com/flow-name": "My-Flow" },
      },
      spec: {
        ttlSecondsAfterFinished: 60,
        backoffLimit: 0,
        template: {
          metadata: { labels: { "example.com/flow-name": "My-Flow" } },
          spec: {
            serviceAccountName: "runner",
            containers: [
              {
                name: "infrablocks-job",
                image: "busybox:1.36",
                imagePullPolicy: "Never",
                args: ["echo", "hi"],
              },
            ],
          },
        },
      },
    });
  });

  it("never overwrites the manifest's own image, namespace or name", () => {
    const job = baseJobManifest() as {
      metadata: Record<string, unknown>;
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    job.metadata.namespace = "team-a";
    job.metadata.name = "fixed";
    (job.spec.template.spec.containers[0] as Record<string, unknown>).image = "alpine:3";
    const { manifest, namespace } = buildJobManifest(settings({ job }), {});
    expect(namespace).toBe("team-a");
    expect(manifest).toMatchObject({ metadata: { name: "fixed" } });
    expect((manifest as { metadata: object }).metadata).not.toHaveProperty("generateName");
    expect(containerOf(manifest).image).toBe("alpine:3");
    expect(effectiveNamespace(settings({ job }))).toBe("team-a");
  });

  it("takes the namespace field over the manifest's (CONTRACT.md: the field, else the manifest's, else default)", () => {
    const job = baseJobManifest() as { metadata: Record<string, unknown> };
    job.metadata.namespace = "b";
    const { manifest, namespace } = buildJobManifest(settings({ job, namespace: "a" }), {});
    expect(namespace).toBe("a");
    expect(manifest).toMatchObject({ metadata: { namespace: "a" } });
    expect(effectiveNamespace(settings({ job, namespace: "a" }))).toBe("a");
  });

  it("merges env by name: base < manifest < block, null removes, valueFrom kept, order kept", () => {
    const job = baseJobManifest();
    containerOf(job).env.push(
      { name: "FROM_SECRET", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
      { name: "SHARED", value: "manifest" },
      { name: "DROPPED", value: "manifest" },
    );
    const { manifest } = buildJobManifest(
      settings({ job, env: { SHARED: "block", DROPPED: null, INFRABLOCKS_GONE: null, OWN: "1" } }),
      { INFRABLOCKS_A: "base", SHARED: "base", INFRABLOCKS_GONE: "x" },
    );
    expect(containerOf(manifest).env).toEqual([
      { name: "FROM_SECRET", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
      { name: "SHARED", value: "block" },
      { name: "INFRABLOCKS_A", value: "base" },
      { name: "OWN", value: "1" },
    ]);
  });

  it("rewrites an inherited local API URL to the API's in-cluster name, and only that", () => {
    const url = (env: Record<string, string | null>, base: Record<string, string>, apiDnsName?: string) =>
      containerOf(buildJobManifest(settings({ env, apiDnsName }), base).manifest).env.find(
        (entry) => entry.name === "INFRABLOCKS_API_URL",
      )?.value;
    expect(url({}, { INFRABLOCKS_API_URL: "http://localhost:4200/api" }, "api.infra.svc")).toBe(
      "http://api.infra.svc:4200/api",
    );
    expect(url({}, { INFRABLOCKS_API_URL: "http://127.0.0.1:4200" }, "api.infra.svc")).toBe(
      "http://api.infra.svc:4200",
    );
    expect(url({}, { INFRABLOCKS_API_URL: "http://localhost:4200/api" })).toBe("http://localhost:4200/api");
    expect(url({}, { INFRABLOCKS_API_URL: "http://example.com/api" }, "api.infra.svc")).toBe(
      "http://example.com/api",
    );
    expect(url({ INFRABLOCKS_API_URL: "http://localhost:1" }, {}, "api.infra.svc")).toBe(
      "http://localhost:1",
    );
  });

  it("applies customizations after the shortcuts and warns when one replaces the whole env", () => {
    const { manifest, warnings, namespace } = buildJobManifest(
      settings({
        image: "busybox",
        env: { A: "1" },
        customizations: [
          { op: "replace", path: "/spec/template/spec/containers/0/image", value: "alpine" },
          { op: "replace", path: "/metadata/namespace", value: "patched" },
          { op: "replace", path: "/spec/template/spec/containers/0/env", value: [] },
        ],
      }),
      {},
    );
    expect(containerOf(manifest).image).toBe("alpine");
    expect(namespace).toBe("patched");
    expect(warnings).toEqual([expect.stringContaining("customizations.2")]);
  });

  it("names the customization that does not apply, and one that breaks the base manifest", () => {
    expect(() =>
      buildJobManifest(settings({ customizations: [{ op: "remove", path: "/spec/nothing" }] }), {}),
    ).toThrow(
      expect.objectContaining({
        code: "INVALID_DOCUMENT",
        issues: [expect.stringMatching(/^customizations\.0: /)],
      }),
    );
    expect(() =>
      buildJobManifest(
        settings({
          customizations: [{ op: "replace", path: "/spec/template/spec/restartPolicy", value: "OnFailure" }],
        }),
        {},
      ),
    ).toThrow(/restartPolicy must be "Never"/);
  });
});

describe("shortcutConflicts", () => {
  it("reports block fields that disagree with the manifest, but never the namespace (the field wins)", () => {
    const job = baseJobManifest() as {
      metadata: Record<string, unknown>;
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    job.metadata.namespace = "team-a";
    (job.spec.template.spec.containers[0] as Record<string, unknown>).image = "alpine:3";
    expect(shortcutConflicts(settings({ job, namespace: "team-b" }))).toEqual([]);
    expect(shortcutConflicts(settings({ job, image: "busybox" }))).toEqual([
      { field: "image", message: expect.stringContaining("/spec/template/spec/containers/0/image") },
    ]);
  });
});

describe("maskManifest", () => {
  it("masks secret-looking env values of every container and keeps the rest", () => {
    const job = baseJobManifest();
    const { manifest } = buildJobManifest(
      settings({ job, env: { API_TOKEN: "t0ps3cret", PLAIN: "visible" } }),
      {},
    );
    const masked = JSON.stringify(maskManifest(manifest));
    expect(masked).not.toContain("t0ps3cret");
    expect(masked).toContain("********");
    expect(masked).toContain("visible");
    expect(JSON.stringify(manifest)).toContain("t0ps3cret");
  });
});
