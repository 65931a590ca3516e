// The `infrablocks.check` entry: what checking a `docker-container` document takes, without evaluating
// the block type's zod schema (docker-container-block.ts). A CLI test keeps it equal to
// blockChecker(dockerContainerBlockType).
import type { DocumentChecker, Infrastructure } from "@infrablocks/core/runtime";
import { dockerRegistryChecker } from "@infrablocks/docker-registry/check";
import packageJson from "../package.json" with { type: "json" };
import { dockerContainerProblems } from "./container-checks.js";
import type { DockerContainerBlock } from "./docker-container-block.js";
import validate, { schemaFacts } from "./validators/docker-container.js";

export const dockerContainerChecker: DocumentChecker<DockerContainerBlock> = {
  ...schemaFacts,
  package: packageJson.name,
  nestedBlocks: { imageRegistry: dockerRegistryChecker as DocumentChecker },
  exact: true,
  validate,
  check: dockerContainerProblems,
  loadInfrastructure: async (): Promise<Infrastructure<DockerContainerBlock>> =>
    (await import("./docker-container-runtime.js")).dockerContainerInfrastructure,
  loadBlockType: async () => (await import("./docker-container-block.js")).dockerContainerBlockType,
};

/** The checkers of the block types this package defines, for `infrablocks.check`. */
export const documentCheckers: readonly DocumentChecker[] = [dockerContainerChecker as DocumentChecker];
