import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** A driver package the CLI can use, and the block types it defines. Reading this loads no driver. */
export interface DriverPackage {
  package: string;
  slugs: readonly string[];
}

/** The drivers the CLI knows by name. Each is used only if installed, and imported only when its type is. */
const BUILTIN_DRIVERS: readonly DriverPackage[] = [
  { package: "@infrablocks/infra-process", slugs: ["process"] },
  { package: "@infrablocks/docker-registry", slugs: ["docker-registry"] },
  { package: "@infrablocks/infra-docker", slugs: ["docker-container"] },
  { package: "@infrablocks/infra-kubernetes", slugs: ["kubernetes-job", "kubernetes-cluster-config"] },
];

const require = createRequire(import.meta.url);

/** The built-in drivers installed beside the CLI. */
export function installedDrivers(): DriverPackage[] {
  return BUILTIN_DRIVERS.filter((driver) => packageFolder(driver.package) !== undefined);
}

/**
 * The schema a driver package ships in `schemas/<slug>.json`. Its tests guarantee the file equals what
 * `exportBlockSchema` produces, so reading it spares loading zod and the driver for `schema` and `types`.
 */
export async function committedSchema(
  packageName: string,
  slug: string,
): Promise<Record<string, unknown> | undefined> {
  const folder = packageFolder(packageName);
  if (!folder) return undefined;
  try {
    return JSON.parse(await readFile(join(folder, "schemas", `${slug}.json`), "utf8")) as Record<
      string,
      unknown
    >;
  } catch {
    return undefined;
  }
}

function packageFolder(packageName: string): string | undefined {
  try {
    return dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    return undefined;
  }
}

/** The installed package that defines a slug. */
export function installedDriverOf(slug: string): string | undefined {
  return installedDrivers().find((driver) => driver.slugs.includes(slug))?.package;
}
