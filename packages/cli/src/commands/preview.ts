import { loadInfrastructure } from "@infrablocks/core/runtime";
import type { Session } from "../session.js";

export async function previewCommand(session: Session, source: string): Promise<number> {
  const block = await session.loadBlock(source, "preview");
  const infrastructure = await loadInfrastructure(block.blockType);
  session.writeOut(await infrastructure.preview(block.config, session.driverContext(block.blockType.slug)));
  return 0;
}
