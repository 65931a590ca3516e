import { join } from "node:path";
import { InfrablocksError } from "@infrablocks/core/registry";
import type { BlockJsonSchema } from "@infrablocks/core/runtime";
import { installedSchemas } from "../drivers.js";
import type { Session } from "../session.js";
import { writeStderr, writeStdout } from "../stdio.js";

export async function schemaCommand(
  openSession: () => Promise<Session>,
  slug: string | undefined,
  options: { out?: string },
): Promise<number> {
  const schemas = await installedSchemas(async () => (await openSession()).registry, { only: slug });
  if (options.out) {
    await writeSchemas(options.out, schemas);
    writeStderr(`Wrote ${Object.keys(schemas).length} schemas and index.json to ${options.out}\n`);
  } else {
    writeStdout(`${JSON.stringify(slug ? schemas[slug] : schemas, null, 2)}\n`);
  }
  return 0;
}

async function writeSchemas(folder: string, schemas: Record<string, BlockJsonSchema>): Promise<void> {
  // node:fs/promises loads only here: printing the schemas, the common case, needs none of it.
  const { mkdir, writeFile } = process.getBuiltinModule("node:fs/promises");
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
