import {
  assertDocumentName,
  InfrablocksError,
  isInfrablocksError,
  MASK,
  maskedSecretPaths,
  parseDocumentReference,
  restoreMaskedSecrets,
  type SourceDocument,
} from "@infrablocks/core";
import { maskedForOutput, namedYaml } from "../printed-document.js";
import type { Session } from "../session.js";
import { writeStdout } from "../stdio.js";
import { table } from "../table.js";

/**
 * Validates and stores every document of DOC. Names: one `--name` per document, in order, else the
 * `$name` each document carries. Nothing is saved unless every document is valid (a `$ref` among
 * them resolved within the file), no two name the same document, and, without `--overwrite`, none is
 * saved already; a save that fails midway (another writer, a full disk) undoes the ones before it.
 * So a file is saved whole or not at all.
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
  const targets: SaveTarget[] = [];
  for (const entry of named) {
    // Validated first, so an invalid document never reaches the store; saved as written, `$ref`s kept.
    const block = await session.resolve(entry.document, entry.label, named);
    targets.push({ ...entry, slug: block.blockType.slug });
  }
  const where = source === "-" ? "stdin" : source;
  assertDistinctTargets(where, targets);
  const before = await storedVersions(session, targets);
  if (!options.overwrite) assertNoneSaved(where, targets, before);
  const saved: SaveTarget[] = [];
  try {
    for (const entry of targets) {
      const path = await session.store.save(entry.slug, entry.name, entry.document, {
        overwrite: options.overwrite ?? false,
      });
      saved.push(entry);
      session.log.info(`Saved ${entry.slug}/${entry.name} (${path})`);
    }
  } catch (error) {
    await undoSaves(session, saved, before);
    throw error;
  }
  return 0;
}

interface SaveTarget {
  slug: string;
  name: string;
  label: string;
  document: Record<string, unknown>;
}

/** Two documents of one file that would be saved as one: refused before anything is written. */
function assertDistinctTargets(source: string, targets: readonly SaveTarget[]): void {
  const seen = new Map<string, string>();
  for (const { slug, name, label } of targets) {
    const key = `${slug}/${name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InfrablocksError(
        "INVALID_DOCUMENT",
        `${source}: ${first} and ${label} would both be saved as ${key}; give each its own $name (or --name). Nothing was saved.`,
      );
    }
    seen.set(key, label);
  }
}

/** The stored version of each target (undefined where none is saved), keyed `slug/name`. */
async function storedVersions(
  session: Session,
  targets: readonly SaveTarget[],
): Promise<Map<string, Record<string, unknown> | undefined>> {
  const versions = new Map<string, Record<string, unknown> | undefined>();
  for (const { slug, name } of targets) {
    const stored = await session.store.load(slug, name).catch((error: unknown) => {
      if (isInfrablocksError(error, "DOCUMENT_NOT_FOUND")) return undefined;
      throw error;
    });
    versions.set(`${slug}/${name}`, stored);
  }
  return versions;
}

function assertNoneSaved(
  source: string,
  targets: readonly SaveTarget[],
  before: ReadonlyMap<string, unknown>,
): void {
  const taken = targets
    .map(({ slug, name }) => `${slug}/${name}`)
    .filter((key) => before.get(key) !== undefined);
  if (taken.length === 0) return;
  const which = taken.length === 1 ? `${taken[0]} is` : `${taken.join(", ")} are`;
  throw new InfrablocksError(
    "DOCUMENT_EXISTS",
    `${which} already saved; pass --overwrite to replace ${taken.length === 1 ? "it" : "them"}. Nothing from ${source} was saved.`,
  );
}

/** Puts back what was stored before this command: removes what it created, restores what it replaced. */
async function undoSaves(
  session: Session,
  saved: readonly SaveTarget[],
  before: ReadonlyMap<string, Record<string, unknown> | undefined>,
): Promise<void> {
  for (const { slug, name } of saved.toReversed()) {
    const previous = before.get(`${slug}/${name}`);
    try {
      if (previous === undefined) await session.store.delete(slug, name);
      else await session.store.save(slug, name, previous, { overwrite: true });
      session.log.info(`Undid the save of ${slug}/${name}.`);
    } catch (error) {
      session.log.warn(`Could not undo the save of ${slug}/${name}: ${(error as Error).message}`);
    }
  }
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
  // The YAML names the document, so that `show … | save - --overwrite` needs no --name; the JSON is the document.
  const text = options.json ? JSON.stringify(document, null, 2) : namedYaml(name, document);
  // --reveal is the one way to print a secret, so this output alone skips the redactor.
  if (options.reveal) writeStdout(text.endsWith("\n") ? text : `${text}\n`);
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
  if (referrers.length > 0) {
    session.log.warn(
      `${referrers.join(", ")} still ${referrers.length === 1 ? "refers" : "refer"} to ${slug}/${name}.`,
    );
  }
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
