import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineBlockType, nestedBlock, secret } from "./block-type.js";
import { DOCKER_LOGIN, RUN_INFRASTRUCTURE } from "./capabilities.js";
import { infrastructureFields } from "./infrastructure-fields.js";
import { exportBlockSchema } from "./schema-export.js";
import { enumLabel, toRjsfUiSchema, uiHintsFor } from "./ui-hints.js";

// Real exports of zod-defined types, so the hints are tested against what `infrablocks schema` writes.
const registryType = defineBlockType({
  slug: "hint-registry",
  title: "Hint Registry",
  description: "Registry credentials.",
  capabilities: [DOCKER_LOGIN],
  version: "1.0.0",
  package: "hint-test",
  fields: {
    username: z.string().meta({ description: "The user." }),
    password: secret(z.string(), { description: "The password." }),
    registryUrl: z.string().meta({ description: "Where." }),
    reauth: z.boolean().default(true).meta({ description: "Log in every time." }),
  },
});

const containerType = defineBlockType({
  slug: "hint-container",
  title: "Hint Container",
  description: "A container.",
  capabilities: [RUN_INFRASTRUCTURE],
  version: "1.0.0",
  package: "hint-test",
  fields: {
    ...infrastructureFields,
    imagePullPolicy: z
      .enum(["IfNotPresent", "Always", "Never"])
      .optional()
      .meta({ description: "When to pull." }),
    image: z.string().meta({ description: "The image." }),
    imageRegistry: nestedBlock(registryType, { description: "Pull credentials." }).optional(),
    headers: secret(z.record(z.string(), z.string()), { description: "Secret headers." }).optional(),
    patches: z
      .array(z.object({ op: z.enum(["add", "remove"]), path: z.string() }))
      .optional()
      .meta({ description: "Patches." }),
    gpus: z
      .union([z.literal("all"), z.number().int().positive(), z.array(z.string())])
      .optional()
      .meta({ description: "GPUs." }),
    kubeconfig: secret(z.union([z.record(z.string(), z.unknown()), z.string()]), {
      description: "Secret as a whole, object or text.",
    }).optional(),
  },
});

const container = exportBlockSchema(containerType);

describe("uiHintsFor", () => {
  const hints = uiHintsFor(container);

  it("orders type first, then required fields, then the rest, each in declaration order", () => {
    expect(hints.order).toEqual([
      "type",
      "image",
      "env",
      "labels",
      "name",
      "command",
      "streamOutput",
      "imagePullPolicy",
      "imageRegistry",
      "headers",
      "patches",
      "gpus",
      "kubeconfig",
    ]);
    expect(new Set(hints.order)).toEqual(new Set(Object.keys(container.properties)));
  });

  it("hides the constant type", () => {
    expect(hints.hidden).toEqual(["type"]);
    expect(hints.slug).toBe("hint-container");
  });

  it("takes secrets from secret_fields, nested ones and maps included", () => {
    expect(hints.secrets).toEqual(["imageRegistry.password", "headers.*", "kubeconfig"]);
  });

  it("describes nested blocks by slug, with their own hints", () => {
    const nested = hints.nestedBlocks.imageRegistry;
    expect(Object.keys(hints.nestedBlocks)).toEqual(["imageRegistry"]);
    expect(nested?.slug).toBe("hint-registry");
    expect(nested?.checksum).toBe(exportBlockSchema(registryType).checksum);
    expect(nested?.hints.order).toEqual(["type", "username", "password", "registryUrl", "reauth"]);
    expect(nested?.hints.secrets).toEqual(["password"]);
    expect(nested?.hints.hidden).toEqual(["type"]);
  });

  it("labels enum values, in lists too", () => {
    expect(hints.enumLabels).toEqual({
      imagePullPolicy: { IfNotPresent: "If not present", Always: "Always", Never: "Never" },
      "patches.*.op": { add: "Add", remove: "Remove" },
    });
  });
});

describe("toRjsfUiSchema", () => {
  const uiSchema = toRjsfUiSchema(container);

  it("gives rjsf the order, the hidden type and readable enum names", () => {
    expect(uiSchema["ui:order"]).toEqual(uiHintsFor(container).order);
    expect(uiSchema.type).toEqual({ "ui:widget": "hidden" });
    expect(uiSchema.imagePullPolicy).toEqual({ "ui:enumNames": ["If not present", "Always", "Never"] });
    expect(uiSchema.patches).toEqual({
      items: { op: { "ui:enumNames": ["Add", "Remove"] } },
    });
  });

  it("renders secrets as passwords: map values, and the text form of an object-or-text secret", () => {
    expect(uiSchema.headers).toEqual({ additionalProperties: { "ui:widget": "password" } });
    expect(uiSchema.kubeconfig).toEqual({
      anyOf: [
        { "ui:title": "Object", "ui:label": false },
        { "ui:title": "Text", "ui:label": false, "ui:widget": "password" },
      ],
    });
  });

  it("names the options of a union by their kind, and drops their redundant inner label", () => {
    expect(uiSchema.gpus).toEqual({
      anyOf: [
        { "ui:title": "All", "ui:label": false },
        { "ui:title": "Number", "ui:label": false },
        { "ui:title": "List", "ui:label": false },
      ],
    });
  });

  it("marks a nested block for the inline-or-reference field, with the nested block's own uiSchema", () => {
    expect(uiSchema.imageRegistry).toEqual({
      "ui:field": "nestedBlock",
      "ui:options": { blockTypeSlug: "hint-registry" },
      "ui:order": ["type", "username", "password", "registryUrl", "reauth"],
      type: { "ui:widget": "hidden" },
      password: { "ui:widget": "password" },
    });
  });

  it("leaves fields that need nothing beyond JSON Schema out", () => {
    expect(Object.keys(uiSchema)).not.toContain("image");
    expect(Object.keys(uiSchema)).not.toContain("env");
  });
});

describe("enumLabel", () => {
  it.each([
    ["IfNotPresent", "If not present"],
    ["Always", "Always"],
    ["add", "Add"],
    ["HTTPProxy", "HTTP proxy"],
    ["run-infrastructure", "Run infrastructure"],
    ["OnFailure", "On failure"],
  ])("%s → %s", (value, label) => {
    expect(enumLabel(value)).toBe(label);
  });
});
