import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type BlockJsonSchema, exportBlockSchema } from "@infrablocks/core";
import type { Session } from "../session.js";

export async function schemaCommand(
  session: Session,
  slug: string | undefined,
  options: { out?: string },
): Promise<number> {
  const types = slug ? [await session.registry.get(slug)] : await session.registry.all();
  const schemas: Record<string, BlockJsonSchema> = {};
  for (const blockType of types) schemas[blockType.slug] = exportBlockSchema(blockType);
  if (options.out) {
    await mkdir(options.out, { recursive: true });
    for (const [typeSlug, schema] of Object.entries(schemas)) {
      await writeFile(join(options.out, `${typeSlug}.json`), `${JSON.stringify(schema, null, 2)}\n`);
    }
    await writeFile(join(options.out, "index.json"), `${JSON.stringify(schemas, null, 2)}\n`);
    session.log.info(`Wrote ${Object.keys(schemas).length} schemas and index.json to ${options.out}`);
  } else {
    session.writeOut(JSON.stringify(slug ? schemas[slug] : schemas, null, 2));
  }
  return 0;
}
