import {
  type CheckedBlock,
  InfrablocksError,
  isInfrablocksError,
  MISSING_COMMAND,
  RUN_INFRASTRUCTURE,
} from "@infrablocks/core/runtime";
import { exitCodeFor } from "../exit-codes.js";
import type { Session } from "../session.js";

/**
 * Checks every document of DOC (a file may hold several, a `$ref` among them resolved within the
 * file) and reports each: valid ones on stdout, problems on stderr, by position and name. It accepts
 * what `preview` and `run` accept: a document of a type that runs infrastructure needs its command, which
 * only a saved document may leave out.
 */
export async function validateCommand(session: Session, source: string): Promise<number> {
  const documents = await session.readDocuments(source);
  let status = 0;
  let invalid = 0;
  for (const entry of documents) {
    try {
      const block = await session.resolve(entry.document, entry.label, documents);
      assertRunnable(block, entry.label);
      session.writeOut(`${entry.label}: a valid ${block.blockType.slug} document`);
    } catch (error) {
      // One document alone fails as any command does; of several, each is reported and the rest checked.
      if (!isInfrablocksError(error) || documents.length === 1) throw error;
      session.log.error(error.message);
      invalid++;
      status ||= exitCodeFor(error.code);
    }
  }
  const where = source === "-" ? "stdin" : source;
  if (invalid > 0) {
    session.log.info(
      `${invalid} of ${documents.length} documents in ${where} ${invalid === 1 ? "is" : "are"} not valid.`,
    );
  }
  return status;
}

/** What running the block would refuse for want of a command, told as a problem of the document. */
function assertRunnable(block: CheckedBlock, label: string): void {
  if (!block.blockType.capabilities.includes(RUN_INFRASTRUCTURE)) return;
  const { command } = block.config as { command?: readonly string[] };
  if (command && command.length > 0) return;
  throw new InfrablocksError(
    "EMPTY_COMMAND",
    `Invalid ${block.slug} document (${label}):\n  ${MISSING_COMMAND}`,
    {
      issues: [MISSING_COMMAND],
    },
  );
}
