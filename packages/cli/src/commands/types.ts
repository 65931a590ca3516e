import type { Session } from "../session.js";
import { table } from "../table.js";

export async function typesCommand(session: Session, options: { json?: boolean }): Promise<number> {
  const loaded = await Promise.all(
    session.registry.slugs().map((slug) =>
      session.registry.get(slug).catch((error: Error) => {
        session.log.warn(`${session.registry.packageOf(slug)} is installed but unusable: ${error.message}`);
        return undefined;
      }),
    ),
  );
  const types = loaded
    .filter((blockType) => blockType !== undefined)
    .map((blockType) => ({
      slug: blockType.slug,
      title: blockType.title,
      capabilities: [...blockType.capabilities],
      package: blockType.package,
    }));
  if (options.json) {
    session.writeOut(JSON.stringify(types, null, 2));
  } else {
    session.writeOut(
      table(
        ["SLUG", "TITLE", "CAPABILITIES", "PACKAGE"],
        types.map((type) => [type.slug, type.title, type.capabilities.join(","), type.package]),
      ),
    );
  }
  return 0;
}
