import type { Session } from "../session.js";

export async function validateCommand(session: Session, source: string): Promise<number> {
  const block = await session.loadBlock(source);
  session.writeOut(`${source}: a valid ${block.blockType.slug} document`);
  return 0;
}
