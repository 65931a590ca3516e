import { BlockRegistry, type BlockType, type BlockTypeEntry } from "@infrablocks/core";
import { installedDrivers } from "./driver-packages.js";

/** A registry of the block types whose packages are installed beside the CLI. */
export function installedBlockTypes(): BlockRegistry {
  const entries: BlockTypeEntry[] = installedDrivers().flatMap((driver) =>
    driver.slugs.map((slug) => ({
      slug,
      package: driver.package,
      load: () => loadBlockType(driver.package, slug),
    })),
  );
  return new BlockRegistry(entries);
}

async function loadBlockType(specifier: string, slug: string): Promise<BlockType> {
  const module = (await import(specifier)) as { blockTypes?: readonly BlockType[] };
  const blockType = module.blockTypes?.find((candidate) => candidate.slug === slug);
  if (!blockType) throw new Error(`${specifier} does not export a '${slug}' block type in its blockTypes.`);
  return blockType;
}
