import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InfrablocksError } from "@infrablocks/core";
import { committedSchema, installedPlugins } from "../driver-packages.js";
import type { Session } from "../session.js";

type Schema = Record<string, unknown>;

export async function schemaCommand(
  openSession: () => Promise<Session>,
  slug: string | undefined,
  options: { out?: string },
): Promise<number> {
  const schemas = await installedSchemas(openSession, slug);
  if (options.out) {
    await writeSchemas(options.out, schemas);
    process.stderr.write(`Wrote ${Object.keys(schemas).length} schemas and index.json to ${options.out}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(slug ? schemas[slug] : schemas, null, 2)}\n`);
  }
  return 0;
}

async function writeSchemas(folder: string, schemas: Record<string, Schema>): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
    for (const [typeSlug, schema] of Object.entries(schemas)) {
      await writeFile(join(folder, `${typeSlug}.json`), `${JSON.stringify(schema, null, 2)}\n`);
    }
    await writeFile(join(folder, "index.json"), `${JSON.stringify(schemas, null, 2)}\n`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EEXIST" || code === "ENOTDIR"
        ? "it, or a folder on its path, is a file"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : (error as Error).message;
    throw new InfrablocksError(
      "OUTPUT_NOT_WRITTEN",
      `Cannot write the schemas into the folder '${folder}': ${why}. Give --out a folder you can write to.`,
      { cause: error },
    );
  }
}

/**
 * The exported schemas of the installed types (or of one), keyed by slug. A driver's committed schema
 * file is used when it ships one; otherwise the type is loaded and exported.
 */
export async function installedSchemas(
  openSession: () => Promise<Session>,
  only?: string,
): Promise<Record<string, Schema>> {
  const schemas: Record<string, Schema> = {};
  const known = installedPlugins()
    .blockTypes.map((entry) => entry.slug)
    .sort();
  for (const slug of only ? known.filter((candidate) => candidate === only) : known) {
    schemas[slug] = (await committedSchema(slug)) ?? (await exported(openSession, slug));
  }
  if (only && !schemas[only]) schemas[only] = await exported(openSession, only);
  return schemas;
}

async function exported(openSession: () => Promise<Session>, slug: string): Promise<Schema> {
  const session = await openSession();
  const { exportBlockSchema } = await import("@infrablocks/core");
  return exportBlockSchema(await session.registry.get(slug)) as unknown as Schema;
}
