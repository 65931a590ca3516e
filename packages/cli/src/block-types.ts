import { BlockRegistry } from "@infrablocks/core";
import { installedPlugins } from "./driver-packages.js";

/** A registry of the installed block types; each driver is imported only when its type is used. */
export function installedBlockTypes(warn: (message: string) => void): BlockRegistry {
  const { blockTypes, warnings } = installedPlugins();
  for (const warning of warnings) warn(warning);
  return new BlockRegistry(blockTypes);
}
