import { DOCUMENT_LIMITS, InfrablocksError, parseYaml } from "@infrablocks/core";

/** Something the import could not carry over; `path` is the field's path in the Prefect document. */
export interface ImportProblem {
  path: string;
  problem: string;
}

/** Something carried over that behaves differently in infrablocks, worth a look. */
export interface ImportNote {
  path: string;
  note: string;
}

export interface ConvertedDocument {
  /** The block type slug, when the Prefect document names one this import converts. */
  slug?: string;
  /** The Prefect block document's name, when the input carried one (the API's block document form). */
  name?: string;
  /** The infrablocks document; absent when the Prefect type is not one of the five converted. */
  document?: Record<string, unknown>;
  problems: ImportProblem[];
  notes: ImportNote[];
}

export const PREFECT_BLOCK_TYPES = [
  "process",
  "docker-container",
  "docker-registry",
  "kubernetes-job",
  "kubernetes-cluster-config",
] as const;

/**
 * Reads a Prefect export: JSON or YAML holding one block document, a list of them, or (YAML) several
 * documents separated by `---`. An unreadable text is an INVALID_DOCUMENT error.
 */
export function parsePrefectText(text: string, source: string): unknown[] {
  const unreadable = (reason: string) =>
    new InfrablocksError("INVALID_DOCUMENT", `Cannot read ${source} as a Prefect export: ${reason}`);
  if (Buffer.byteLength(text) > DOCUMENT_LIMITS.maxBytes) {
    throw unreadable(`it is larger than ${DOCUMENT_LIMITS.maxBytes} bytes`);
  }
  let values: unknown[];
  const start = text.trimStart()[0];
  try {
    values =
      start === "{" || start === "["
        ? [JSON.parse(text)]
        : yamlDocuments(text).map((part) =>
            parseYaml(part, {
              schema: "core",
              customTags: [],
              uniqueKeys: true,
              maxAliasCount: DOCUMENT_LIMITS.maxAliases,
            }),
          );
  } catch (error) {
    throw unreadable((error as Error).message.split("\n")[0] ?? "");
  }
  const items = values.flatMap((value) => (Array.isArray(value) ? value : [value]));
  if (items.length === 0 || items.some((item) => !isRecord(item))) {
    throw unreadable("expected a Prefect block document (a mapping) or a list of them");
  }
  return items;
}

/**
 * Converts Prefect 2 block documents of the five infrastructure types into infrablocks documents. A
 * nested `{"$ref": {"block_document_id": …}}` is resolved when the same export holds that document
 * (the API's block document form, with its `id`); otherwise it is reported, as are unknown fields and
 * values infrablocks cannot take over (a masked secret, Prefect's own default image).
 */
export function convertPrefectDocuments(inputs: readonly unknown[]): ConvertedDocument[] {
  const byId = new Map<string, { slug?: string; data: Record<string, unknown> }>();
  for (const input of inputs) {
    const unwrapped = unwrap(input);
    if (unwrapped.id) byId.set(unwrapped.id, unwrapped);
  }
  return inputs.map((input) => {
    const { slug, name, data } = unwrap(input);
    const converter = new Converter(byId);
    const document = converter.block(data, slug, "");
    return {
      ...(document ? { slug: document.type as string, document } : {}),
      ...(name ? { name } : {}),
      problems: converter.problems,
      notes: converter.notes,
    };
  });
}

// --- Internal helpers ---

/**
 * The documents of a YAML stream. A `---` line at the start of a line always begins a new document
 * (even inside a block scalar, per the YAML spec), so splitting there is exact.
 */
function yamlDocuments(text: string): string[] {
  return text.split(/^---(?=[ \t]|$)/m).filter((part) => part.replace(/#.*$/gm, "").trim() !== "");
}

type Fields = Record<string, unknown>;
type FieldRule = string | ((converter: Converter, value: unknown, path: string, out: Fields) => void);

/** Prefect's base job manifest (2.x), with `parallelism` and `completions` misplaced in the pod spec. */
const PREFECT_BASE_JOB = {
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { labels: {} },
  spec: {
    template: {
      spec: {
        parallelism: 1,
        completions: 1,
        restartPolicy: "Never",
        containers: [{ name: "prefect-job", env: [] }],
      },
    },
  },
};
const PREFECT_CONTAINER = "prefect-job";
const INFRABLOCKS_CONTAINER = "infrablocks-job";
const DOCKER_PULL_POLICIES: Record<string, string> = {
  IF_NOT_PRESENT: "IfNotPresent",
  ALWAYS: "Always",
  NEVER: "Never",
};
/** Keys Prefect keeps beside a block's data; they carry no settings. */
const PREFECT_METADATA = new Set([
  "block_type_slug",
  "_block_document_id",
  "_block_document_name",
  "_is_anonymous",
]);

const infrastructureRules: Record<string, FieldRule> = {
  env: (converter, value, path, out) => {
    for (const name of Object.keys(isRecord(value) ? value : {})) {
      if (name.startsWith("PREFECT_")) {
        converter.note(
          `${path}.${name}`,
          "kept as is; infrablocks passes its own INFRABLOCKS_* settings and applies the API-URL rules to INFRABLOCKS_API_URL, not PREFECT_API_URL",
        );
      }
    }
    out.env = value;
  },
  labels: "labels",
  name: "name",
  command: "command",
  stream_output: "streamOutput",
};

const imageRule: FieldRule = (converter, value, path, out) => {
  if (typeof value === "string" && /^prefecthq\/prefect(-dev)?:/.test(value)) {
    converter.problem(
      path,
      `'${value}' is Prefect's default image, which holds the Prefect runtime; infrablocks has no default image: name the image your command needs`,
    );
  }
  out.image = value;
};

const RULES: Record<(typeof PREFECT_BLOCK_TYPES)[number], Record<string, FieldRule>> = {
  process: { ...infrastructureRules, working_dir: "workingDir" },
  "docker-container": {
    ...infrastructureRules,
    image: imageRule,
    image_pull_policy: (converter, value, path, out) => {
      const policy = typeof value === "string" ? (DOCKER_PULL_POLICIES[value] ?? value) : value;
      if (!Object.values(DOCKER_PULL_POLICIES).includes(policy as string)) {
        converter.problem(
          path,
          `${JSON.stringify(value)} is not a pull policy (IF_NOT_PRESENT, ALWAYS, NEVER)`,
        );
        return;
      }
      out.imagePullPolicy = policy;
    },
    image_registry: (converter, value, path, out) =>
      converter.nested(value, "docker-registry", path, "imageRegistry", out),
    networks: "networks",
    network_mode: "networkMode",
    auto_remove: "autoRemove",
    volumes: "volumes",
    mem_limit: "memLimit",
    memswap_limit: "memswapLimit",
    privileged: "privileged",
  },
  "docker-registry": {
    username: "username",
    password: (converter, value, path, out) => {
      if (typeof value === "string" && /^\*+$/.test(value)) {
        converter.problem(
          path,
          "the export holds the masked value, not the password: export with secrets included, or write the password in",
        );
        return;
      }
      out.password = value;
    },
    registry_url: "registryUrl",
    reauth: "reauth",
  },
  "kubernetes-cluster-config": { config: "config", context_name: "contextName" },
  "kubernetes-job": {
    ...infrastructureRules,
    image: imageRule,
    namespace: "namespace",
    service_account_name: "serviceAccountName",
    image_pull_policy: (converter, value, path, out) => {
      const policy = typeof value === "string" ? (DOCKER_PULL_POLICIES[value] ?? value) : value;
      if (!["IfNotPresent", "Always", "Never"].includes(policy as string)) {
        converter.problem(
          path,
          `${JSON.stringify(value)} is not a pull policy (IfNotPresent, Always, Never)`,
        );
        return;
      }
      out.imagePullPolicy = policy;
    },
    cluster_config: (converter, value, path, out) =>
      converter.nested(value, "kubernetes-cluster-config", path, "clusterConfig", out),
    job: (converter, value, path, out) => converter.job(value, path, out),
    customizations: (converter, value, path, out) => {
      if (typeof value !== "string") {
        out.customizations = value;
        return;
      }
      try {
        out.customizations = JSON.parse(value);
      } catch {
        converter.problem(path, "not valid JSON; an RFC 6902 patch is a JSON list of operations");
      }
    },
    job_watch_timeout_seconds: "jobWatchTimeoutSeconds",
    pod_watch_timeout_seconds: "podWatchTimeoutSeconds",
    finished_job_ttl: "finishedJobTtl",
  },
};

class Converter {
  readonly problems: ImportProblem[] = [];
  readonly notes: ImportNote[] = [];

  constructor(private readonly byId: ReadonlyMap<string, { slug?: string; data: Fields }>) {}

  problem(path: string, problem: string): void {
    this.problems.push({ path: path || "(document)", problem });
  }

  note(path: string, note: string): void {
    this.notes.push({ path, note });
  }

  /** Converts one block's data; `slug` is what the wrapper or the parent field says it is. */
  block(data: Fields, slug: string | undefined, prefix: string): Fields | undefined {
    const own = typeof data.block_type_slug === "string" ? data.block_type_slug : undefined;
    const typed = typeof data.type === "string" ? data.type : undefined;
    const chosen = own ?? typed ?? slug;
    if (!chosen) {
      this.problem(
        `${prefix}block_type_slug`,
        "missing: a Prefect block document names its type in block_type_slug or type",
      );
      return undefined;
    }
    if (!isConverted(chosen)) {
      this.problem(
        `${prefix}block_type_slug`,
        `'${chosen}' is not a block type this import converts (${PREFECT_BLOCK_TYPES.join(", ")})`,
      );
      return undefined;
    }
    const rules = RULES[chosen];
    const out: Fields = { type: chosen };
    for (const [key, value] of Object.entries(data)) {
      const path = `${prefix}${key}`;
      if (PREFECT_METADATA.has(key) || (key === "type" && value === chosen)) continue;
      const rule = rules[key];
      if (rule === undefined) {
        this.problem(path, `not a field of Prefect's ${chosen} block that infrablocks knows; left out`);
      } else if (value === null) {
        // Prefect writes unset optional fields as null; infrablocks leaves them out.
      } else if (typeof rule === "string") {
        out[rule] = value;
      } else {
        rule(this, value, path, out);
      }
    }
    return out;
  }

  /** A nested block: inline, or a `$ref` to a block document this export holds. */
  nested(value: unknown, slug: string, path: string, field: string, out: Fields): void {
    if (!isRecord(value)) {
      this.problem(path, `expected a ${slug} block document`);
      return;
    }
    if ("$ref" in value) {
      const reference = value.$ref;
      const id = isRecord(reference) ? reference.block_document_id : reference;
      const target = typeof id === "string" ? this.byId.get(id) : undefined;
      if (!target) {
        this.problem(
          `${path}.$ref`,
          `refers to a saved Prefect block document (${JSON.stringify(id)}) that this export does not hold, and it cannot be fetched offline: put that ${slug} document in the same file, or save it with infrablocks and write { $ref: "${slug}/<name>" }`,
        );
        return;
      }
      // The nested types (docker-registry, kubernetes-cluster-config) hold no blocks: no cycle is possible.
      const converted = this.block(target.data, target.slug ?? slug, `${path}.`);
      if (converted) out[field] = converted;
      return;
    }
    const converted = this.block(value, slug, `${path}.`);
    if (converted && converted.type !== slug)
      this.problem(path, `expected a ${slug} block, got ${String(converted.type)}`);
    else if (converted) out[field] = converted;
  }

  /** Prefect's base job manifest, adapted: its container is `infrablocks-job` here. */
  job(value: unknown, path: string, out: Fields): void {
    if (!isRecord(value)) {
      out.job = value;
      return;
    }
    if (JSON.stringify(value) === JSON.stringify(PREFECT_BASE_JOB)) {
      this.note(path, "Prefect's default base job manifest; left out, so infrablocks' own default applies");
      return;
    }
    const job = structuredClone(value);
    const podSpec = (job.spec as Fields | undefined)?.template as Fields | undefined;
    const spec = podSpec?.spec as Fields | undefined;
    if (spec) {
      for (const key of ["parallelism", "completions"]) {
        if (spec[key] === 1) {
          delete spec[key];
          this.note(
            `${path}.spec.template.spec.${key}`,
            "Prefect placed this in the pod spec, where Kubernetes ignores it; left out",
          );
        }
      }
      const containers = Array.isArray(spec.containers) ? spec.containers : [];
      containers.forEach((container: unknown, index) => {
        if (isRecord(container) && container.name === PREFECT_CONTAINER) {
          container.name = INFRABLOCKS_CONTAINER;
          this.note(
            `${path}.spec.template.spec.containers.${index}.name`,
            `Prefect's job container '${PREFECT_CONTAINER}' is named '${INFRABLOCKS_CONTAINER}' in infrablocks (it runs the command, and its logs stream); renamed`,
          );
        }
      });
    }
    out.job = job;
  }
}

/** The block data, its slug and name, from a bare document or the API's block document form. */
function unwrap(input: unknown): { slug?: string; name?: string; id?: string; data: Fields } {
  if (!isRecord(input)) return { data: {} };
  if (!isRecord(input.data)) return { data: input };
  const blockType = isRecord(input.block_type) ? input.block_type : {};
  const slug = typeof input.block_type_slug === "string" ? input.block_type_slug : blockType.slug;
  return {
    data: input.data,
    ...(typeof slug === "string" ? { slug } : {}),
    ...(typeof input.name === "string" ? { name: input.name } : {}),
    ...(typeof input.id === "string" ? { id: input.id } : {}),
  };
}

function isConverted(slug: string): slug is (typeof PREFECT_BLOCK_TYPES)[number] {
  return (PREFECT_BLOCK_TYPES as readonly string[]).includes(slug);
}

function isRecord(value: unknown): value is Fields {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
