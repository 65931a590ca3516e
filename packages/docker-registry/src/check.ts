// The `infrablocks.check` entry (and `@infrablocks/docker-registry/check`, which docker-container's nests):
// what checking a `docker-registry` document takes, without evaluating its zod schema. A CLI test keeps
// it equal to blockChecker(dockerRegistryBlockType).
import type { DocumentChecker } from "@infrablocks/core/runtime";
import packageJson from "../package.json" with { type: "json" };
import type { DockerRegistryBlock } from "./docker-registry-block.js";
import { dockerRegistryProblems } from "./registry-checks.js";
import validate, { schemaFacts } from "./validators/docker-registry.js";

export const dockerRegistryChecker: DocumentChecker<DockerRegistryBlock> = {
  ...schemaFacts,
  package: packageJson.name,
  nestedBlocks: {},
  exact: true,
  validate,
  check: dockerRegistryProblems,
  loadBlockType: async () => (await import("./docker-registry-block.js")).dockerRegistryBlockType,
};

/** The checkers of the block types this package defines, for `infrablocks.check`. */
export const documentCheckers: readonly DocumentChecker[] = [dockerRegistryChecker as DocumentChecker];
