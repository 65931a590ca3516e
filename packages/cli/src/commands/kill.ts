import { loadInfrastructure } from "@infrablocks/core/runtime";
import type { Session } from "../session.js";

export async function killCommand(
  session: Session,
  source: string,
  identifier: string,
  options: { grace: number },
): Promise<number> {
  const block = await session.loadBlock(source, "kill");
  const infrastructure = await loadInfrastructure(block.blockType);
  await infrastructure.kill(block.config, identifier, {
    ...session.driverContext(block.blockType.slug),
    graceSeconds: options.grace,
  });
  session.log.info(`Stopped ${identifier}`);
  return 0;
}
