/**
 * Fixture block types for core's unit tests (not part of the package: only `*.test.ts` import it).
 * They mirror the contract's shapes: a registry with a secret password, a container that nests it,
 * a cluster config that is secret as a whole, and deeper nesting.
 */
import { defineBlockType, nestedBlock, secret } from "./block-type.js";
import { DOCKER_LOGIN, RUN_INFRASTRUCTURE } from "./capabilities.js";
import { InfrablocksError } from "./errors.js";
import { infrastructureFields } from "./infrastructure-fields.js";
import { z } from "zod";

export const registryType = defineBlockType({
  slug: "test-registry",
  title: "Test Registry",
  description: "Credentials for an image registry.",
  capabilities: [DOCKER_LOGIN],
  version: "1.2.3",
  package: "@infrablocks/test-registry",
  fields: {
    username: z.string().meta({ description: "The user to log in as." }),
    password: secret(z.string(), { description: "The user's password." }),
    registryUrl: z.string().meta({ title: "Registry URL", description: "Where the registry lives." }),
    reauth: z.boolean().default(true).meta({ description: "Log in again before every pull." }),
  },
});

export const containerType = defineBlockType({
  slug: "test-container",
  title: "Test Container",
  description: "A container to run a command in.",
  capabilities: [RUN_INFRASTRUCTURE, "a-first"],
  version: "0.1.0",
  package: "@infrablocks/test-container",
  fields: {
    ...infrastructureFields,
    image: z.string().meta({ description: "The image to run." }),
    imageRegistry: nestedBlock(registryType, {
      description: "The registry to pull the image from.",
    }).optional(),
    volumes: z
      .array(z.string().regex(/^[^:]+:[^:]+(:(ro|rw))?$/, "expected host:container[:mode]"))
      .default([])
      .meta({ description: "Volumes to mount, each host:container[:mode]." }),
    headers: secret(z.record(z.string(), z.string()), {
      description: "Secret headers, value by value.",
    }).optional(),
    options: z
      .object({
        retries: z.number().int().meta({ description: "How many times to retry." }),
        backoff: z
          .number()
          .optional()
          .meta({ title: "Backoff Seconds", description: "Seconds between retries." }),
      })
      .strict()
      .optional()
      .meta({ description: "Tuning options." }),
  },
});

export const clusterConfigType = defineBlockType({
  slug: "test-cluster-config",
  title: "Test Cluster Config",
  description: "A kubeconfig, secret as a whole.",
  capabilities: [],
  version: "0.1.0",
  package: "@infrablocks/test-cluster",
  fields: {
    config: secret(z.union([z.record(z.string(), z.unknown()), z.string()]), {
      description: "A kubeconfig as an object or as YAML text.",
    }),
    contextName: z.string().optional().meta({ description: "The context to use." }),
  },
});

export const jobType = defineBlockType({
  slug: "test-job",
  title: "Test Job",
  description: "A job on a cluster.",
  capabilities: [RUN_INFRASTRUCTURE],
  version: "0.1.0",
  package: "@infrablocks/test-job",
  fields: {
    ...infrastructureFields,
    clusterConfig: nestedBlock(clusterConfigType, { description: "The cluster to run on." }).optional(),
  },
});

/** Two levels of nesting: outer → container → registry. */
export const outerType = defineBlockType({
  slug: "test-outer",
  title: "Test Outer",
  description: "Wraps a container.",
  capabilities: [],
  version: "0.1.0",
  package: "@infrablocks/test-outer",
  fields: {
    inner: nestedBlock(containerType, { description: "The wrapped container." }),
  },
});

export const allFixtureTypes = [registryType, containerType, clusterConfigType, jobType, outerType] as const;

/** An in-memory {@link SavedDocumentLoader} that fails like the store does for a missing name. */
export function memoryLoader(documents: Record<string, Record<string, unknown>>) {
  const calls: string[] = [];
  const load = async (slug: string, name: string): Promise<Record<string, unknown>> => {
    calls.push(`${slug}/${name}`);
    const document = documents[`${slug}/${name}`];
    if (!document)
      throw new InfrablocksError("DOCUMENT_NOT_FOUND", `No saved ${slug} document is named '${name}'.`);
    return structuredClone(document);
  };
  return { load, calls };
}

/** Runs `action` and returns what it threw, failing when it does not throw. */
export async function caught(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw, got none");
}

/** The synchronous twin of {@link caught}. */
export function caughtSync(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw, got none");
}
