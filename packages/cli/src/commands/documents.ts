import {
  assertDocumentName,
  InfrablocksError,
  isInfrablocksError,
  MASK,
  maskedSecretPaths,
  parseDocumentReference,
  restoreMaskedSecrets,
  type SourceDocument,
  stringifyYaml,
} from "@infrablocks/core";
import type { CheckedBlock } from "@infrablocks/core/runtime";
import { maskedForOutput } from "../masked-document.js";
import type { Session } from "../session.js";
import { table } from "../table.js";

/**
 * Validates and stores every document of DOC. Names: one `--name` per document, in order, else the
 * `$name` each document carries. Nothing is saved unless every document is valid (a `$ref` among
 * them resolved within the file), so a file is saved whole or not at all.
 */
export async function saveCommand(
  session: Session,
  source: string,
  options: { name?: string[]; overwrite?: boolean },
): Promise<number> {
  const documents = await session.readDocuments(source);
  const names = documentNames(source, documents, options.name ?? []);
  for (const name of names) assertDocumentName(name);
  const named = documents.map((entry, index) => ({ ...entry, name: names[index] as string }));
  // Every mask restored before any document is checked: a `$ref` may point at a later document.
  if (options.overwrite) {
    for (const entry of named) await keepStoredSecrets(session, entry.document, entry.name);
  }
  const blocks = [];
  for (const entry of named) {
    // Validated first, so an invalid document never reaches the store; saved as written, `$ref`s kept.
    blocks.push(await session.resolve(entry.document, entry.label, named));
  }
  for (const [index, entry] of named.entries()) {
    const slug = (blocks[index] as CheckedBlock).blockType.slug;
    const path = await session.store.save(slug, entry.name, entry.document, {
      overwrite: options.overwrite ?? false,
    });
    session.log.info(`Saved ${slug}/${entry.name} (${path})`);
  }
  return 0;
}

/** The name of each document: the `--name`s given (one per document), else each one's `$name`. */
function documentNames(source: string, documents: SourceDocument[], given: string[]): string[] {
  if (given.length > 0) {
    if (given.length !== documents.length) {
      throw new UsageError(
        `${source} holds ${documents.length} document${documents.length === 1 ? "" : "s"} but ${given.length} --name ${given.length === 1 ? "was" : "were"} given: give --name once per document, in order, or none and let each document's $name name it.`,
      );
    }
    return given;
  }
  const unnamed = documents.filter((entry) => entry.name === undefined).map((entry) => entry.label);
  if (unnamed.length > 0) {
    throw new UsageError(
      `No name for ${unnamed.join(", ")}: pass --name NAME (once per document, in order), or write '$name: NAME' in each document.`,
    );
  }
  return documents.map((entry) => entry.name as string);
}

export async function lsCommand(
  session: Session,
  options: { type?: string; json?: boolean },
): Promise<number> {
  if (options.type) await session.registry.get(options.type);
  const documents = await session.store.list(options.type);
  if (options.json) {
    session.writeOut(
      JSON.stringify(
        documents.map((doc) => ({
          slug: doc.slug,
          name: doc.name,
          path: doc.path,
          modifiedAt: doc.modifiedAt.toISOString(),
        })),
        null,
        2,
      ),
    );
  } else if (documents.length === 0) {
    session.log.info(options.type ? `No saved ${options.type} documents.` : "No saved documents.");
  } else {
    session.writeOut(
      table(
        ["DOCUMENT", "MODIFIED"],
        documents.map((doc) => [`${doc.slug}/${doc.name}`, doc.modifiedAt.toISOString()]),
      ),
    );
  }
  return 0;
}

export async function showCommand(
  session: Session,
  reference: string,
  options: { json?: boolean; reveal?: boolean },
): Promise<number> {
  const { slug, name } = requireReference(reference);
  const blockType = await session.registry.get(slug);
  const stored = await session.store.load(slug, name);
  const document = options.reveal ? stored : maskedForOutput(blockType, stored);
  const text = options.json ? JSON.stringify(document, null, 2) : stringifyYaml(document);
  // --reveal is the one way to print a secret, so this output alone skips the redactor.
  if (options.reveal) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  else session.writeOut(text);
  return 0;
}

export async function rmCommand(
  session: Session,
  reference: string,
  options: { force?: boolean } = {},
): Promise<number> {
  const { slug, name } = requireReference(reference);
  await session.registry.get(slug);
  // Loaded first so that a missing document is "not found" (exit 3) even when nothing refers to it.
  await session.store.load(slug, name);
  const referrers = await session.store.referrers(slug, name);
  if (referrers.length > 0 && !options.force) {
    throw new InfrablocksError(
      "DOCUMENT_REFERENCED",
      `${slug}/${name} is referenced by ${referrers.join(", ")}; removing it would break them. Remove or edit those first, or pass --force to remove it anyway.`,
    );
  }
  await session.store.delete(slug, name);
  if (referrers.length > 0) session.log.warn(`${referrers.join(", ")} still refer to ${slug}/${name}.`);
  session.log.info(`Deleted ${slug}/${name}`);
  return 0;
}

/**
 * Where the document holds the mask `show` printed in place of a secret, puts back the value the
 * document saved under this name holds, so that show → edit → save --overwrite keeps secrets.
 */
async function keepStoredSecrets(
  session: Session,
  document: Record<string, unknown>,
  name: string,
): Promise<void> {
  const slug = document.type;
  if (typeof slug !== "string" || !session.registry.has(slug)) return;
  const blockType = await session.registry.get(slug);
  if (maskedSecretPaths(blockType, document).length === 0) return;
  const stored = await session.store.load(slug, name).catch((error: unknown) => {
    if (isInfrablocksError(error, "DOCUMENT_NOT_FOUND")) return undefined;
    throw error;
  });
  if (!stored) return;
  const kept = restoreMaskedSecrets(blockType, document, stored);
  if (kept.length > 0) session.log.info(`Kept the stored value of ${kept.join(", ")} (given as ${MASK}).`);
}

function requireReference(reference: string): { slug: string; name: string } {
  const parsed = parseDocumentReference(reference);
  if (!parsed)
    throw new UsageError(`'${reference}' is not SLUG/NAME of a saved document (e.g. process/nightly).`);
  return parsed;
}

/** Bad command-line usage: exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
