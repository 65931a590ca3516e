import { BlockRegistry, type BlockType, type BlockTypeEntry } from "@infrablocks/core";

/** The drivers the CLI knows by name. Each is used only if installed, and imported only when its type is. */
const BUILTIN_DRIVERS: readonly { package: string; slugs: readonly string[] }[] = [
  { package: "@infrablocks/infra-process", slugs: ["process"] },
  { package: "@infrablocks/docker-registry", slugs: ["docker-registry"] },
  { package: "@infrablocks/infra-docker", slugs: ["docker-container"] },
  { package: "@infrablocks/infra-kubernetes", slugs: ["kubernetes-job", "kubernetes-cluster-config"] },
];

/** A registry of the block types whose packages are installed beside the CLI. */
export function installedBlockTypes(): BlockRegistry {
  const entries: BlockTypeEntry[] = [];
  for (const driver of BUILTIN_DRIVERS) {
    if (!isInstalled(driver.package)) continue;
    for (const slug of driver.slugs) {
      entries.push({ slug, package: driver.package, load: () => loadBlockType(driver.package, slug) });
    }
  }
  return new BlockRegistry(entries);
}

// --- Internal helpers ---

function isInstalled(specifier: string): boolean {
  try {
    import.meta.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

async function loadBlockType(specifier: string, slug: string): Promise<BlockType> {
  const module = (await import(specifier)) as { blockTypes?: readonly BlockType[] };
  const blockType = module.blockTypes?.find((candidate) => candidate.slug === slug);
  if (!blockType) throw new Error(`${specifier} does not export a '${slug}' block type in its blockTypes.`);
  return blockType;
}
