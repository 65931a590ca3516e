import { type BlockJsonSchema, MASK } from "@infrablocks/core/browser";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validator } from "./validator.js";
import {
  errorsAt,
  formSchemaFor,
  inPlainWords,
  maskedPaths,
  maskSecrets,
  nestedModes,
  secretPathsOf,
  toJson,
  toYaml,
  withValueAt,
} from "./block-document.js";

// The shape `infrablocks schema` exports, cut down to what these helpers read.
const registry = {
  title: "Image Registry",
  description: "Pull credentials.",
  type: "object",
  properties: {
    type: { title: "Type", type: "string", const: "docker-registry", default: "docker-registry" },
    password: { title: "Password", type: "string", format: "password", writeOnly: true },
    reauth: { title: "Reauth", type: "boolean", default: true },
  },
  required: ["password"],
  block_type_slug: "docker-registry",
  secret_fields: ["password"],
  block_schema_references: {},
};
const container = {
  title: "Docker Container",
  description: "A container.",
  type: "object",
  properties: {
    type: { title: "Type", type: "string", const: "docker-container", default: "docker-container" },
    image: { title: "Image", type: "string" },
    imageRegistry: registry,
  },
  required: ["image"],
  block_type_slug: "docker-container",
  secret_fields: ["imageRegistry.password", "headers.*"],
  block_schema_references: {
    imageRegistry: { block_type_slug: "docker-registry", block_schema_checksum: "sha256:0" },
  },
} as unknown as BlockJsonSchema;

describe("nestedModes", () => {
  it("reads each nested block field's mode from its value", () => {
    expect(nestedModes(container, { type: "docker-container" })).toEqual({ imageRegistry: "unset" });
    expect(
      nestedModes(container, { type: "docker-container", imageRegistry: { type: "docker-registry" } }),
    ).toEqual({ imageRegistry: "inline" });
    // A reference whose name is not typed yet is still a reference.
    expect(nestedModes(container, { type: "docker-container", imageRegistry: {} })).toEqual({
      imageRegistry: "reference",
    });
  });
});

describe("formSchemaFor", () => {
  const field = (modes: Parameters<typeof formSchemaFor>[1]) =>
    formSchemaFor(container, modes).properties.imageRegistry as Record<string, unknown>;

  it("keeps the exported schema of an inline block", () => {
    expect(field({ imageRegistry: "inline" })).toEqual(registry);
  });

  it("gives an unset block a schema without defaults, so the form leaves it out", () => {
    expect(field({ imageRegistry: "unset" })).toEqual({
      title: "Image Registry",
      description: "Pull credentials.",
      type: "object",
    });
  });

  it("asks a reference for the name of a saved document of the nested type", () => {
    const reference = field({ imageRegistry: "reference" });
    expect(reference).toMatchObject({ type: "object", required: ["$ref"], additionalProperties: false });
    const { $ref } = reference.properties as { $ref: { pattern: string } };
    const pattern = new RegExp($ref.pattern);
    expect(pattern.test("docker-registry/team-1")).toBe(true);
    expect(pattern.test("docker-registry/")).toBe(false);
    expect(pattern.test("docker-registry/Team")).toBe(false);
    expect(pattern.test("process/team")).toBe(false);
  });

  it("leaves the exported schema untouched", () => {
    formSchemaFor(container, { imageRegistry: "reference" });
    expect(container.properties.imageRegistry).toBe(registry);
  });
});

describe("maskSecrets", () => {
  it("masks nested secrets and every value of a secret map, and copies rather than changes", () => {
    const document = {
      type: "docker-container",
      imageRegistry: { type: "docker-registry", password: "hunter2", reauth: true },
      headers: { a: "1", b: "2" },
    };
    expect(maskSecrets(document, container.secret_fields)).toEqual({
      type: "docker-container",
      imageRegistry: { type: "docker-registry", password: MASK, reauth: true },
      headers: { a: MASK, b: MASK },
    });
    expect(document.imageRegistry.password).toBe("hunter2");
  });

  it("leaves absent secrets and references alone", () => {
    const document = { type: "docker-container", imageRegistry: { $ref: "docker-registry/team" } };
    expect(maskSecrets(document, container.secret_fields)).toEqual(document);
  });
});

// The container and its nested registry with an `env` map each, as the infrastructure types have.
const env = { title: "Env", type: "object", additionalProperties: { type: ["string", "null"] } };
const withEnv = (schema: BlockJsonSchema) =>
  ({ ...schema, properties: { ...schema.properties, env } }) as unknown as BlockJsonSchema;
const containerWithEnv = withEnv({
  ...container,
  properties: { ...container.properties, imageRegistry: withEnv(registry as unknown as BlockJsonSchema) },
} as unknown as BlockJsonSchema);

describe("secretPathsOf", () => {
  it("adds the env values whose names mark them secret, as `show` masks them, nested blocks' included", () => {
    const document = {
      type: "docker-container",
      env: { API_TOKEN: "t", HOME: "/root", db_password: "p" },
      imageRegistry: { type: "docker-registry", env: { SSH_KEY: "k", LANG: "C" } },
    };
    expect(secretPathsOf(containerWithEnv, document)).toEqual([
      "imageRegistry.password",
      "headers.*",
      "env.API_TOKEN",
      "env.db_password",
      "imageRegistry.env.SSH_KEY",
    ]);
    expect(maskSecrets(document, secretPathsOf(containerWithEnv, document))).toMatchObject({
      env: { API_TOKEN: MASK, HOME: "/root", db_password: MASK },
      imageRegistry: { env: { SSH_KEY: MASK, LANG: "C" } },
    });
  });

  it("looks into no nested block given as a reference", () => {
    const document = { type: "docker-container", imageRegistry: { $ref: "docker-registry/team" } };
    expect(secretPathsOf(containerWithEnv, document)).toEqual(container.secret_fields);
  });
});

describe("maskedPaths", () => {
  it("finds every secret that holds exactly the mask, map values included", () => {
    const document = {
      type: "docker-container",
      env: { API_TOKEN: MASK, PLAIN: MASK, OTHER_TOKEN: `${MASK}x` },
      imageRegistry: { type: "docker-registry", password: MASK },
      headers: { a: "1", b: MASK },
    };
    expect(maskedPaths(document, secretPathsOf(containerWithEnv, document))).toEqual([
      "imageRegistry.password",
      "headers.b",
      "env.API_TOKEN",
    ]);
  });

  it("finds nothing in a document whose secrets are real or absent", () => {
    const document = { type: "docker-container", imageRegistry: { type: "docker-registry", password: "pw" } };
    expect(maskedPaths(document, container.secret_fields)).toEqual([]);
    expect(maskedPaths({ type: "docker-container" }, container.secret_fields)).toEqual([]);
  });
});

describe("errorsAt", () => {
  it("puts the message on each field, in rjsf's error schema shape", () => {
    expect(errorsAt(["imageRegistry.password", "env.API_TOKEN", "env.DB_KEY"], "no")).toEqual({
      imageRegistry: { password: { __errors: ["no"] } },
      env: { API_TOKEN: { __errors: ["no"] }, DB_KEY: { __errors: ["no"] } },
    });
  });
});

describe("withValueAt", () => {
  it("replaces a value at a path, and removes it for undefined", () => {
    const document = { type: "docker-container", imageRegistry: { type: "docker-registry", reauth: true } };
    expect(withValueAt(document, ["imageRegistry"], { $ref: "docker-registry/" })).toEqual({
      type: "docker-container",
      imageRegistry: { $ref: "docker-registry/" },
    });
    expect(withValueAt(document, ["imageRegistry"], undefined)).toEqual({ type: "docker-container" });
    expect(document.imageRegistry).toEqual({ type: "docker-registry", reauth: true });
  });
});

describe("toJson and toYaml", () => {
  it("write the same document", () => {
    const document = { type: "process", command: ["echo", "hi: there"], env: { A: null } };
    expect(JSON.parse(toJson(document))).toEqual(document);
    expect(parse(toYaml(document))).toEqual(document);
  });
});

describe("inPlainWords", () => {
  it("words a NUL byte's pattern error as the CLI does, on its field, and leaves other errors", () => {
    const schema = {
      type: "object",
      properties: {
        command: { type: "array", items: { type: "string", pattern: "^[^\\0]*$" } },
        namespace: { type: "string", pattern: "^[a-z]+$" },
      },
    } as const;
    const { errors } = validator.validateFormData(
      { command: ["ok", "b\0d"], namespace: "Batch" },
      schema,
      undefined,
      inPlainWords,
    );
    expect(errors.map(({ property, message }) => ({ property, message }))).toEqual([
      { property: ".command.1", message: "holds a NUL byte, which no program can receive" },
      { property: ".namespace", message: 'must match pattern "^[a-z]+$"' },
    ]);
  });
});
