// A consumer of the published packages, compiled with skipLibCheck off: every type the packages'
// .d.ts files name must resolve from their declared dependencies.
import { main } from "@infrablocks/cli";
import {
  type BlockJsonSchema,
  BlockRegistry,
  exportBlockSchema,
  InfrablocksError,
  loadInfrastructure,
  type RunResult,
  runContext,
} from "@infrablocks/core";
import { registryHost, blockTypes as registryTypes } from "@infrablocks/docker-registry";
import { type DockerContainerBlock, blockTypes as dockerTypes } from "@infrablocks/infra-docker";
import {
  baseJobManifest,
  type KubernetesJobBlock,
  blockTypes as kubernetesTypes,
} from "@infrablocks/infra-kubernetes";
import { type ProcessBlock, processBlockType, blockTypes as processTypes } from "@infrablocks/infra-process";
import type { testBlockType } from "@infrablocks/testkit";

const registry = new BlockRegistry([...processTypes, ...dockerTypes, ...registryTypes, ...kubernetesTypes]);
const schemas: BlockJsonSchema[] = (await registry.all()).map(exportBlockSchema);

const container: DockerContainerBlock["image"] = "busybox:1.36";
const job: KubernetesJobBlock["job"] = baseJobManifest();
const conformance: Parameters<typeof testBlockType>[0]["blockType"] = processBlockType;

const config: ProcessBlock = processBlockType.schema.parse({
  type: "process",
  command: [process.execPath, "-e", "process.stdout.write('hello from the library\\n')"],
});
const infrastructure = await loadInfrastructure(processBlockType);
const result: RunResult = await infrastructure.run(config, runContext());

try {
  await registry.get("no-such-type");
} catch (error) {
  if (!(error instanceof InfrablocksError)) throw error;
}
const cliStatus: number = await main(["--version"]);

console.log(
  JSON.stringify({
    types: schemas.map((schema) => schema.block_type_slug),
    statusCode: result.statusCode,
    cliStatus,
    host: registryHost("registry.example.com:5000"),
    image: container,
    jobKind: job.kind,
    conformance: conformance.slug,
  }),
);
