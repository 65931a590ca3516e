/**
 * Generators of invalid block documents for the fuzz suites: one valid base document per block type,
 * then exactly one mutation that must make it invalid, plus hostile text in the fields that accept any
 * text (so that hostile strings ride along without being the reason for the rejection). Each case
 * carries the error code it must be rejected with and the field path its first issue must name.
 */
import { BlockRegistry, InfrablocksError, type SavedDocumentLoader } from "@infrablocks/core";
import { blockTypes as registryTypes } from "@infrablocks/docker-registry";
import { blockTypes as dockerTypes } from "@infrablocks/infra-docker";
import { blockTypes as kubernetesTypes } from "@infrablocks/infra-kubernetes";
import { blockTypes as processTypes } from "@infrablocks/infra-process";
import fc from "fast-check";

export const SLUGS = [
  "process",
  "docker-container",
  "docker-registry",
  "kubernetes-cluster-config",
  "kubernetes-job",
] as const;
export type Slug = (typeof SLUGS)[number];

/** Every installed block type, registered directly (not through the CLI's discovery). */
export function allTypesRegistry(): BlockRegistry {
  return new BlockRegistry([...processTypes, ...dockerTypes, ...registryTypes, ...kubernetesTypes]);
}

export const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: test
clusters:
  - name: test
    cluster: { server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true }
users:
  - name: test
    user: { token: "fuzz-token-value" }
contexts:
  - name: test
    context: { cluster: test, user: test }
`;

const SAVED: Record<string, Record<string, unknown>> = {
  "docker-registry/team": {
    type: "docker-registry",
    username: "u",
    password: "p4ssword",
    registryUrl: "registry.example.com:5000",
  },
  "kubernetes-cluster-config/prod": { type: "kubernetes-cluster-config", config: KUBECONFIG },
};

/** Two saved documents exist (docker-registry/team, kubernetes-cluster-config/prod); others are missing. */
export const loadSaved: SavedDocumentLoader = async (slug, name) => {
  const document = SAVED[`${slug}/${name}`];
  if (!document) throw new InfrablocksError("DOCUMENT_NOT_FOUND", `No saved ${slug} document '${name}'.`);
  return structuredClone(document);
};

/** Shell metacharacters, traversal, control characters, prototype keys and other text meant to hurt. */
export const HOSTILE_STRINGS = [
  "$(touch /tmp/infrablocks-pwned)",
  "`touch /tmp/infrablocks-pwned`",
  "; touch /tmp/infrablocks-pwned",
  "a && b || c | d > /etc/passwd",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion that must stay literal
  "${HOME}",
  "'\"\\",
  "../../../../etc/passwd",
  "..",
  "a\nb\r\nc",
  "\u0000",
  "\u001b[31mred\u001b[0m",
  "\u202eevil",
  "%s%n%x",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "*",
  "-rf",
  "--privileged",
  "x".repeat(10_000),
  "💥".repeat(100),
];

export const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);

/** Hostile text that can reach a program: exec() cannot carry a NUL byte, so validation rejects one there. */
const hostileArgument = hostileString.filter((text) => !text.includes("\u0000"));

/** Hostile strings that are not, by chance, a valid lowercase name (as "constructor" is a valid image name). */
const hostileNames = fc.constantFrom(...HOSTILE_STRINGS.filter((text) => !/^[a-z0-9.x]+$/i.test(text)));

/** Any JSON-ish value except those `accept` takes. */
function valueNot(accept: (value: unknown) => boolean): fc.Arbitrary<unknown> {
  return fc
    .oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(...HOSTILE_STRINGS),
      fc.integer(),
      fc.double({ noNaN: false }),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string({ maxLength: 5 }), fc.integer()), {
        maxKeys: 3,
      }),
    )
    .filter((value) => !accept(value));
}

const isString = (value: unknown) => typeof value === "string";
const isBoolean = (value: unknown) => typeof value === "boolean";
const isArray = (value: unknown) => Array.isArray(value);
const isRecord = (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value);
const isNumber = (value: unknown) => typeof value === "number";

/** A mutation: the bad value of one field (undefined removes the field), and the path the error names. */
interface Bad {
  field: string;
  value: unknown;
  /** The path the first issue must start with; defaults to `field`. */
  path?: string;
  code?: "INVALID_DOCUMENT" | "DOCUMENT_NOT_FOUND" | "UNKNOWN_BLOCK_TYPE";
  remove?: boolean;
}

const bad = (field: string, value: fc.Arbitrary<unknown>, path?: (value: unknown) => string) =>
  value.map((v): Bad => ({ field, value: v, path: path ? path(v) : field }));

/** Mutations of the fields every infrastructure type shares. */
function infrastructureBreakers(): fc.Arbitrary<Bad>[] {
  return [
    bad("env", valueNot(isRecord)),
    // A name with '=' or NUL (or an empty one) can never be set in an environment.
    fc
      .tuple(fc.string({ maxLength: 6 }), fc.constantFrom("=", "\u0000"), fc.string({ maxLength: 6 }))
      .map(([a, bad, b]): Bad => ({ field: "env", value: { [`${a}${bad}${b}`]: "v" }, path: "env" })),
    fc.constant<Bad>({ field: "env", value: { "": "v" }, path: "env" }),
    fc
      .tuple(
        fc.constantFrom("API_TOKEN", "DB_PASSWORD", "PATH", "X"),
        valueNot((value) => isString(value) || value === null),
      )
      .map(([name, value]): Bad => ({ field: "env", value: { [name]: value }, path: `env.${name}` })),
    bad("labels", valueNot(isRecord)),
    fc
      .tuple(fc.constantFrom("team", "owner"), valueNot(isString))
      .map(([key, value]): Bad => ({ field: "labels", value: { [key]: value }, path: `labels.${key}` })),
    bad("name", valueNot(isString)),
    bad("command", valueNot(isArray)),
    fc.constant<Bad>({ field: "command", value: [], path: "command" }),
    fc.tuple(fc.array(hostileString, { maxLength: 3 }), valueNot(isString)).map(
      ([before, item]): Bad => ({
        field: "command",
        value: [...before, item],
        path: `command.${before.length}`,
      }),
    ),
    bad("streamOutput", valueNot(isBoolean)),
  ];
}

const registryInline = {
  type: "docker-registry",
  username: "u",
  password: "p4ssword",
  registryUrl: "registry.example.com:5000",
};

/** Mutations of a nested block field: wrong shapes, wrong inline contents, bad and missing refs. */
function nestedBreakers(
  field: string,
  slug: string,
  inline: Record<string, unknown>,
  inlineBreakers: fc.Arbitrary<Bad>[],
): fc.Arbitrary<Bad>[] {
  const otherSlug = slug === "docker-registry" ? "kubernetes-cluster-config" : "docker-registry";
  return [
    bad(field, valueNot(isRecord)),
    fc.oneof(...inlineBreakers).map(
      (inner): Bad => ({
        field,
        value: inner.remove
          ? Object.fromEntries(Object.entries(inline).filter(([key]) => key !== inner.field))
          : { ...inline, [inner.field]: inner.value },
        path: `${field}.${inner.path ?? inner.field}`,
        code: inner.code,
      }),
    ),
    // An inline block of another type.
    fc.constant<Bad>({ field, value: { ...inline, type: otherSlug }, path: `${field}.type` }),
    // A $ref that is not "<slug>/<name>", or has company, or names another type.
    bad(
      field,
      fc.oneof(
        valueNot(isString),
        hostileString.filter((text) => !/^[a-z0-9-]+\/[^/]+$/.test(text)),
      ),
      () => `${field}.$ref`,
    ).map((b): Bad => ({ ...b, value: { $ref: b.value } })),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue())
      .filter(([key]) => key !== "$ref")
      .map(
        ([key, value]): Bad => ({
          field,
          value: { $ref: `${slug}/team`, [key]: value },
          path: `${field}.$ref`,
        }),
      ),
    fc.constant<Bad>({ field, value: { $ref: `${otherSlug}/team` }, path: `${field}.$ref` }),
    // A well-formed reference to a document that does not exist.
    fc
      .stringMatching(/^[a-z0-9][a-z0-9-]{0,20}[a-z0-9]$/)
      .filter((name) => name !== "team" && name !== "prod")
      .map(
        (name): Bad => ({ field, value: { $ref: `${slug}/${name}` }, code: "DOCUMENT_NOT_FOUND", path: "" }),
      ),
  ];
}

function registryBreakers(): fc.Arbitrary<Bad>[] {
  return [
    bad(
      "username",
      valueNot((value) => isString(value) && value !== ""),
    ),
    bad(
      "password",
      valueNot((value) => isString(value) && value !== ""),
    ),
    bad("registryUrl", fc.oneof(valueNot(isString), hostileNames)),
    bad("reauth", valueNot(isBoolean)),
    ...["username", "password", "registryUrl"].map((field) =>
      fc.constant<Bad>({ field, value: undefined, remove: true }),
    ),
  ];
}

function clusterConfigBreakers(): fc.Arbitrary<Bad>[] {
  return [
    fc.constant<Bad>({ field: "config", value: undefined, remove: true }),
    bad(
      "config",
      valueNot((value) => isString(value) || isRecord(value)),
    ),
    fc.constant<Bad>({ field: "config", value: "" }),
    // Text that is not a mapping, or not YAML at all.
    bad("config", fc.constantFrom("- a\n- b", "just text", "{ unclosed: [", "42", "a: 1\na: 2")),
    // A kubeconfig whose selected context is not in it.
    bad("contextName", fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s !== "")), () => "contextName"),
    bad("contextName", valueNot(isString)),
  ];
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function jobBreakers(): fc.Arbitrary<Bad>[] {
  const positiveInt = (value: unknown) => Number.isInteger(value) && (value as number) > 0;
  return [
    bad(
      "image",
      valueNot((value) => isString(value) && value !== ""),
    ),
    bad(
      "namespace",
      fc.oneof(
        valueNot(isString),
        hostileString.filter((text) => !NAMESPACE.test(text) || text.length > 63),
      ),
    ),
    bad("serviceAccountName", fc.oneof(valueNot(isString), hostileNames)),
    bad(
      "imagePullPolicy",
      fc.oneof(valueNot(isString), fc.constantFrom("always", "ifNotPresent", "never", "")),
    ),
    bad("job", valueNot(isRecord)),
    bad(
      "job",
      fc.constantFrom(
        {},
        { apiVersion: "batch/v1", kind: "Pod" },
        {
          apiVersion: "batch/v1",
          kind: "Job",
          metadata: { labels: {} },
          spec: { template: { spec: { restartPolicy: "Always", containers: [{ name: "x", env: [] }] } } },
        },
      ),
    ),
    // RFC 6902 patches: prototype paths (CVE-2021-4279's shapes), unknown ops, missing pieces, bad text.
    fc
      .tuple(
        fc.constantFrom("add", "replace", "remove", "test", "move", "copy"),
        fc.constantFrom(
          "/__proto__/polluted",
          "/constructor/prototype/polluted",
          "/spec/__proto__/polluted",
          "/metadata/constructor/prototype/x",
          "/a/prototype",
          "no-leading-slash",
        ),
        fc.boolean(),
      )
      .map(([op, pointer, inFrom]): Bad => {
        const usesFrom = op === "move" || op === "copy";
        const operation = usesFrom
          ? { op, from: inFrom ? pointer : "/spec", path: inFrom ? "/spec/x" : pointer }
          : op === "remove"
            ? { op, path: pointer }
            : { op, path: pointer, value: { polluted: true } };
        return { field: "customizations", value: [operation], path: "customizations.0" };
      }),
    bad(
      "customizations",
      fc.constantFrom(
        [{ op: "delete", path: "/spec" }],
        [{ op: "add", path: "/spec/x", value: 1, extra: 1 }],
        [{ op: "move", path: "/spec/x" }],
        [{ path: "/spec/x", value: 1 }],
      ),
      // zod reports a list item that matches no operation shape against the list-or-text union as
      // "customizations: Invalid input", without the item's index (see RELIABILITY.md, findings).
      () => "customizations",
    ),
    bad(
      "customizations",
      fc.constantFrom(
        '[{"op": "add", "path": "/__proto__/polluted", "value": true}]',
        '[{"op": "copy", "from": "/constructor/constructor", "path": "/x"}]',
        "[{ unclosed",
        '{"op": "add"}',
        // Text whose list is malformed: checked by the type's check, worded as zod words a list.
        '[{"op": "add", "path": "/a"}]',
        '[{"op": "add", "path": "/a", "value": 1, "extra": 1}]',
        "- op: move\n  path: /a\n",
        "[1, null]",
        "null",
      ),
    ),
    bad(
      "customizations",
      valueNot((value) => isString(value) || isArray(value)),
    ),
    bad("jobWatchTimeoutSeconds", valueNot(positiveInt)),
    bad("podWatchTimeoutSeconds", valueNot(positiveInt)),
    bad(
      "finishedJobTtl",
      valueNot((value) => Number.isInteger(value) && (value as number) >= 0),
    ),
    bad(
      "backoffLimit",
      valueNot((value) => Number.isInteger(value) && (value as number) >= 0),
    ),
    bad("apiDnsName", fc.oneof(valueNot(isString), hostileNames)),
    // A label key of which nothing is a valid Kubernetes label name (others are made valid, by design).
    fc
      .constantFrom("!!!", "$()", "; ;", "'\"", "\u0000", "💥")
      .map((key): Bad => ({ field: "labels", value: { [key]: "v" }, path: `labels.${key}` })),
    ...nestedBreakers(
      "clusterConfig",
      "kubernetes-cluster-config",
      { type: "kubernetes-cluster-config", config: KUBECONFIG },
      clusterConfigBreakers(),
    ),
  ];
}

function dockerBreakers(): fc.Arbitrary<Bad>[] {
  return [
    fc.constant<Bad>({ field: "image", value: undefined, remove: true }),
    bad("image", fc.oneof(valueNot(isString), hostileNames, fc.constant(""))),
    bad(
      "imagePullPolicy",
      fc.oneof(valueNot(isString), fc.constantFrom("always", "ifNotPresent", "never", "")),
    ),
    bad("networks", valueNot(isArray)),
    fc.constant<Bad>({ field: "networks", value: ["ok", ""], path: "networks.1" }),
    bad("networkMode", fc.oneof(valueNot(isString), fc.constant(""))),
    bad("autoRemove", valueNot(isBoolean)),
    bad("privileged", valueNot(isBoolean)),
    bad("volumes", valueNot(isArray)),
    // Volume specs: traversal in a named volume, empty parts, too many colons, relative paths, bad modes.
    fc
      .constantFrom(
        "..:/data",
        "../etc:/data",
        "./rel:/data",
        ":/data",
        "/data:",
        "/data::ro",
        "::",
        "/a:/b:ro:extra",
        "/a:/b:c:d:e",
        "/data",
        "/data:data",
        "/data:/data:rx",
        "/data:/data:ro;rm -rf /",
        "$(id):/data",
        "a b:/data",
      )
      .map((spec): Bad => ({ field: "volumes", value: ["/ok:/ok", spec], path: "volumes.1" })),
    bad(
      "memLimit",
      fc.oneof(
        valueNot((value) => isString(value) || isNumber(value)),
        fc.constantFrom(0, -1, "lots", "12q", ""),
      ),
    ),
    bad(
      "memswapLimit",
      fc.oneof(
        valueNot((value) => isString(value) || isNumber(value)),
        fc.constantFrom(-2, 1.5, "x"),
      ),
    ),
    bad("cpuLimit", fc.oneof(valueNot(isNumber), fc.constantFrom(0, -1))),
    bad("gpus", fc.constantFrom(0, -1, 1.5, [], "some", "", [""], null, true)),
    bad("user", fc.oneof(valueNot(isString), fc.constant(""))),
    bad("createOptions", valueNot(isRecord)),
    ...nestedBreakers("imageRegistry", "docker-registry", registryInline, registryBreakers()),
  ];
}

const BASES: Record<Slug, Record<string, unknown>> = {
  process: { type: "process", command: ["echo", "hi"] },
  "docker-container": { type: "docker-container", image: "busybox:1.36", command: ["echo", "hi"] },
  "docker-registry": registryInline,
  "kubernetes-cluster-config": { type: "kubernetes-cluster-config", config: KUBECONFIG },
  "kubernetes-job": { type: "kubernetes-job", image: "busybox:1.36", command: ["echo", "hi"] },
};

/** The known top-level field names of each type, for the unknown-key mutation and path checks. */
export const FIELDS: Record<Slug, string[]> = {
  process: ["type", "env", "labels", "name", "command", "streamOutput", "workingDir"],
  "docker-container": [
    "type",
    "env",
    "labels",
    "name",
    "command",
    "streamOutput",
    "image",
    "imagePullPolicy",
    "imageRegistry",
    "networks",
    "networkMode",
    "autoRemove",
    "volumes",
    "memLimit",
    "memswapLimit",
    "privileged",
    "cpuLimit",
    "gpus",
    "user",
    "createOptions",
  ],
  "docker-registry": ["type", "username", "password", "registryUrl", "reauth"],
  "kubernetes-cluster-config": ["type", "config", "contextName"],
  "kubernetes-job": [
    "type",
    "env",
    "labels",
    "name",
    "command",
    "streamOutput",
    "image",
    "namespace",
    "serviceAccountName",
    "imagePullPolicy",
    "clusterConfig",
    "job",
    "customizations",
    "jobWatchTimeoutSeconds",
    "podWatchTimeoutSeconds",
    "finishedJobTtl",
    "backoffLimit",
    "apiDnsName",
  ],
};

function typeBreakers(slug: Slug): fc.Arbitrary<Bad>[] {
  const own: Record<Slug, () => fc.Arbitrary<Bad>[]> = {
    process: () => [
      ...infrastructureBreakers(),
      bad("workingDir", fc.oneof(valueNot(isString), fc.constant(""))),
    ],
    "docker-container": () => [...infrastructureBreakers(), ...dockerBreakers()],
    "docker-registry": registryBreakers,
    "kubernetes-cluster-config": clusterConfigBreakers,
    "kubernetes-job": () => [...infrastructureBreakers(), ...jobBreakers()],
  };
  return [
    ...own[slug](),
    // Unknown keys: random, near-misses (snake_case, case) and prototype names.
    fc
      .oneof(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.constantFrom(
          "stream_output",
          "Image",
          "imageregistry",
          "working_dir",
          "colour",
          "__proto__",
          "constructor",
          "toString",
          "hasOwnProperty",
          "$ref",
          "$(id)",
        ),
      )
      .filter((key) => !FIELDS[slug].includes(key))
      .chain((key) => fc.jsonValue({ maxDepth: 2 }).map((value): Bad => ({ field: key, value, path: key }))),
    // The type tag itself: missing, not a string, or no installed type.
    fc.constant<Bad>({ field: "type", value: undefined, remove: true }),
    bad("type", fc.oneof(valueNot(isString), fc.constant(""))),
    fc
      .oneof(
        fc.constantFrom("Process", "docker", "kubernetes_job", "../process"),
        fc.string({ minLength: 1, maxLength: 12 }),
      )
      .filter((text) => !(SLUGS as readonly string[]).includes(text))
      .map((text): Bad => ({ field: "type", value: text, code: "UNKNOWN_BLOCK_TYPE", path: "" })),
  ];
}

export interface InvalidCase {
  slug: Slug;
  document: Record<string, unknown>;
  /** The path every issue of the mutation's own error starts with ("" when the code carries no issues). */
  path: string;
  code: "INVALID_DOCUMENT" | "DOCUMENT_NOT_FOUND" | "UNKNOWN_BLOCK_TYPE";
}

/** Fields that take any text, filled with hostile text so that it rides along with every case. */
function hostileExtras(slug: Slug): fc.Arbitrary<Record<string, unknown>> {
  if (slug === "docker-registry" || slug === "kubernetes-cluster-config") return fc.constant({});
  return fc.record(
    {
      name: hostileString,
      command: fc.array(hostileArgument, { minLength: 1, maxLength: 4 }),
      env: fc.dictionary(fc.stringMatching(/^[A-Z_]{1,10}$/), fc.oneof(hostileArgument, fc.constant(null)), {
        maxKeys: 3,
      }),
    },
    { requiredKeys: [] },
  );
}

/** Invalid documents of one block type. */
export function invalidDocument(slug: Slug): fc.Arbitrary<InvalidCase> {
  return fc.tuple(hostileExtras(slug), fc.oneof(...typeBreakers(slug))).map(([extras, mutation]) => {
    const document: Record<string, unknown> = { ...BASES[slug], ...extras };
    if (mutation.remove) delete document[mutation.field];
    // defineProperty, so that a "__proto__" key becomes an own key as JSON.parse makes it.
    else
      Object.defineProperty(document, mutation.field, {
        value: mutation.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return {
      slug,
      document,
      path: mutation.path ?? mutation.field,
      code: mutation.code ?? "INVALID_DOCUMENT",
    };
  });
}

const KUBECONFIG_OBJECT = {
  apiVersion: "v1",
  kind: "Config",
  "current-context": "test",
  clusters: [{ name: "test", cluster: { server: "https://127.0.0.1:6443" } }],
  users: [{ name: "test", user: { token: "fuzz-token-value" } }],
  contexts: [{ name: "test", context: { cluster: "test", user: "test" } }],
};

/** The base Job manifest, and richer ones that hold it. */
const JOB_MANIFESTS = fc.constantFrom(
  {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { labels: {} },
    spec: {
      template: { spec: { restartPolicy: "Never", containers: [{ name: "infrablocks-job", env: [] }] } },
    },
  },
  {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { labels: { tier: "batch" }, namespace: "jobs", annotations: { note: "x" } },
    spec: {
      activeDeadlineSeconds: 30,
      template: {
        spec: {
          restartPolicy: "Never",
          nodeSelector: { pool: "batch" },
          containers: [
            {
              name: "infrablocks-job",
              env: [{ name: "A", value: "1" }],
              resources: { limits: { cpu: "1" } },
            },
            { name: "sidecar", image: "busybox:1.36" },
          ],
        },
      },
    },
  },
);

/** Valid customizations: lists of every op that apply to the manifests above, and the same as text. */
const CUSTOMIZATIONS = fc.constantFrom(
  [],
  [{ op: "add", path: "/spec/parallelism", value: 2 }],
  [
    { op: "test", path: "/kind", value: "Job" },
    { op: "add", path: "/metadata/annotations", value: { a: "b" } },
    { op: "copy", from: "/metadata/annotations", path: "/spec/template/metadata" },
    { op: "move", from: "/metadata/annotations", path: "/metadata/notes" },
    { op: "replace", path: "/spec/backoffLimit", value: 1 },
    { op: "remove", path: "/metadata/notes" },
  ],
  '[{"op": "add", "path": "/spec/completions", "value": 1}]',
  "- op: add\n  path: /spec/template/spec/containers/0/env/-\n  value: { name: B, value: two }\n",
  "[]",
);

/** A valid kubernetes-cluster-config document: the kubeconfig as text or as an object, a context or none. */
const CLUSTER_CONFIGS = fc.record(
  {
    type: fc.constant("kubernetes-cluster-config"),
    config: fc.constantFrom(KUBECONFIG, KUBECONFIG_OBJECT),
    contextName: fc.constant("test"),
  },
  { requiredKeys: ["type", "config"] },
);

/**
 * Valid documents with every optional field a type has set or left out (the Kubernetes types; the
 * others' validDocument): their configs, with the defaults filled, are compared between the paths.
 */
export function validVariants(slug: Slug): fc.Arbitrary<Record<string, unknown>> {
  if (slug === "kubernetes-cluster-config") return CLUSTER_CONFIGS;
  if (slug !== "kubernetes-job") return validDocument(slug);
  const optional = fc.record(
    {
      namespace: fc.constantFrom("default", "batch-jobs"),
      serviceAccountName: fc.constantFrom("runner", "ci.runner"),
      imagePullPolicy: fc.constantFrom("IfNotPresent", "Always", "Never"),
      labels: fc.constantFrom({}, { "example.com/team": "infra", app: "demo" }),
      streamOutput: fc.boolean(),
      clusterConfig: fc.oneof(CLUSTER_CONFIGS, fc.constant({ $ref: "kubernetes-cluster-config/prod" })),
      job: JOB_MANIFESTS,
      customizations: CUSTOMIZATIONS,
      jobWatchTimeoutSeconds: fc.integer({ min: 1, max: 86_400 }),
      podWatchTimeoutSeconds: fc.integer({ min: 1, max: 3_600 }),
      finishedJobTtl: fc.integer({ min: 0, max: 86_400 }),
      backoffLimit: fc.integer({ min: 0, max: 6 }),
      apiDnsName: fc.constant("infrablocks-api.infrablocks.svc.cluster.local"),
    },
    { requiredKeys: [] },
  );
  return fc.tuple(validDocument(slug), optional).map(([document, fields]) => ({ ...document, ...fields }));
}

/** The valid base document of a type (with hostile text in its free fields), for the "no false alarm" check. */
export function validDocument(slug: Slug): fc.Arbitrary<Record<string, unknown>> {
  return hostileExtras(slug).map((extras) => ({ ...BASES[slug], ...extras }));
}
