import { isInfrablocksError } from "@infrablocks/core/runtime";
import { exitCodeFor } from "../exit-codes.js";
import type { Session } from "../session.js";

/**
 * Checks every document of DOC (a file may hold several, a `$ref` among them resolved within the
 * file) and reports each: valid ones on stdout, problems on stderr, by position and name.
 */
export async function validateCommand(session: Session, source: string): Promise<number> {
  const documents = await session.readDocuments(source);
  let status = 0;
  let invalid = 0;
  for (const entry of documents) {
    try {
      const block = await session.resolve(entry.document, entry.label, documents);
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
  if (invalid > 0) session.log.info(`${invalid} of ${documents.length} documents in ${where} are not valid.`);
  return status;
}
