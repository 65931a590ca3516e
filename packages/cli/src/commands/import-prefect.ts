import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  assertDocumentName,
  type BlockType,
  isInfrablocksError,
  maskDocument,
  stringifyYaml,
} from "@infrablocks/core";
import { convertPrefectDocuments, parsePrefectText } from "../prefect-import.js";
import type { Session } from "../session.js";

/** Exit statuses: every document converted and valid; some problem remains; the file cannot be read. */
const CONVERTED = 0;
const PROBLEMS = 1;
const UNREADABLE = 2;

interface Imported {
  /** The document's position in the export, from 0. */
  index: number;
  label: string;
  slug: string;
  /** The Prefect block document's name, when the export carried one. */
  name?: string;
  document: Record<string, unknown>;
  blockType: BlockType;
  valid: boolean;
}

/**
 * Converts a Prefect 2 export (one block document or a list) to infrablocks documents, validates
 * each, and prints them as YAML, secrets masked; `--out DIR` writes them to files (secrets kept, files
 * readable by the owner alone) and `--name NAME` saves them in the store instead. Notes and problems
 * go to stderr, each with its field's Prefect path.
 */
export async function importPrefectCommand(
  session: Session,
  file: string,
  options: { out?: string; name?: string },
): Promise<number> {
  let inputs: unknown[];
  try {
    inputs = parsePrefectText(file === "-" ? await readStdin() : await readFile(file, "utf8"), file);
  } catch (error) {
    const reason = isInfrablocksError(error)
      ? error.message
      : `Cannot read ${file}: ${(error as Error).message}`;
    session.log.error(reason);
    return UNREADABLE;
  }
  const converted = convertPrefectDocuments(inputs);
  const saveNames = options.name ? numbered(options.name, converted.length) : [];
  for (const name of saveNames) assertDocumentName(name);

  let problems = 0;
  const imported: Imported[] = [];
  for (const [index, item] of converted.entries()) {
    const label = converted.length > 1 ? `${file}#${index + 1}` : file;
    for (const note of item.notes) session.log.info(`note: ${label}: ${note.path}: ${note.note}`);
    for (const problem of item.problems) session.log.warn(`${label}: ${problem.path}: ${problem.problem}`);
    problems += item.problems.length;
    if (!item.document || !item.slug) continue;
    if (!session.registry.has(item.slug)) {
      // Without its driver, which fields are secret is unknown: such a document is not printed.
      session.log.warn(
        `${label}: block type '${item.slug}' is not installed; install its driver to import it.`,
      );
      problems++;
      continue;
    }
    const valid = await session.resolve(item.document, label).then(
      () => true,
      (error: unknown) => {
        if (!isInfrablocksError(error)) throw error;
        session.log.warn(`${label}: the converted document is not valid yet: ${error.message}`);
        return false;
      },
    );
    if (!valid) problems++;
    const blockType = await session.registry.get(item.slug);
    imported.push({
      index,
      label,
      slug: item.slug,
      name: item.name,
      document: item.document,
      blockType,
      valid,
    });
  }

  if (options.name) problems += await save(session, imported, saveNames);
  if (options.out) await writeFiles(session, imported, options.out, converted.length);
  if (!options.name && !options.out && imported.length > 0) {
    // Masked field by field before printing: "********" must stay a quoted YAML string, not an alias.
    const masked = imported.map((entry) => maskDocument(entry.blockType, entry.document));
    if (JSON.stringify(masked) !== JSON.stringify(imported.map((entry) => entry.document))) {
      session.log.info("Secrets are masked in this output; --out DIR or --name NAME keeps them.");
    }
    session.writeOut(masked.map((document) => stringifyYaml(document)).join("---\n"));
  }
  return problems === 0 ? CONVERTED : PROBLEMS;
}

// --- Internal helpers ---

/** `name`, or `name-1`, `name-2`, … when the export holds several documents. */
function numbered(name: string, count: number): string[] {
  return count === 1 ? [name] : Array.from({ length: count }, (_, index) => `${name}-${index + 1}`);
}

/** Saves the valid documents under their names; returns how many could not be saved. */
async function save(session: Session, imported: Imported[], names: string[]): Promise<number> {
  let failed = 0;
  for (const entry of imported) {
    const name = names[entry.index] as string;
    if (!entry.valid) {
      session.log.warn(`${entry.label}: not saved, as it is not valid.`);
      failed++;
      continue;
    }
    try {
      const path = await session.store.save(entry.slug, name, entry.document);
      session.log.info(`Saved ${entry.slug}/${name} (${path})`);
    } catch (error) {
      if (!isInfrablocksError(error)) throw error;
      session.log.warn(`${entry.label}: not saved: ${error.message}`);
      failed++;
    }
  }
  return failed;
}

/** Writes `DIR/<name>.yaml` per document, secrets included, readable by the owner alone. */
async function writeFiles(
  session: Session,
  imported: Imported[],
  folder: string,
  count: number,
): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  for (const entry of imported) {
    // A Prefect name is used when it is a valid file and document name; the export is untrusted input.
    const base =
      entry.name && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(entry.name) ? entry.name : entry.slug;
    const path = join(folder, `${base}${count > 1 ? `-${entry.index + 1}` : ""}.yaml`);
    await writeFile(path, stringifyYaml(entry.document), { mode: 0o600 });
    session.log.info(`Wrote ${path}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
