import type { Session } from "../session.js";
import { writeStdout } from "../stdio.js";
import { table } from "../table.js";
import { installedDrivers, installedSchemas } from "../drivers.js";

export async function typesCommand(
  openSession: () => Promise<Session>,
  options: { json?: boolean },
): Promise<number> {
  const schemas = await installedSchemas(async () => (await openSession()).registry);
  const types = Object.entries(schemas).map(([slug, schema]) => ({
    slug,
    title: String(schema.title),
    capabilities: schema.capabilities as string[],
    package: installedDrivers().blockTypes.find((entry) => entry.slug === slug)?.package ?? "",
  }));
  if (options.json) {
    writeStdout(`${JSON.stringify(types, null, 2)}\n`);
  } else {
    writeStdout(
      `${table(
        ["SLUG", "TITLE", "CAPABILITIES", "PACKAGE"],
        types.map((type) => [type.slug, type.title, type.capabilities.join(","), type.package]),
      )}\n`,
    );
  }
  return 0;
}
