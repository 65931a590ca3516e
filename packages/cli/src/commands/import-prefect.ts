import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { assertDocumentName, type BlockType, isInfrablocksError } from "@infrablocks/core";
import { maskedForOutput, namedYaml } from "../printed-document.js";
import { type ImportedDocument, importPrefectDocuments, parsePrefectText } from "../prefect-import.js";
import type { Session } from "../session.js";

/** Exit statuses: every document converted and valid; some problem remains; the file cannot be read. */
const CONVERTED = 0;
const PROBLEMS = 1;
const UNREADABLE = 2;

interface Checked extends ImportedDocument {
  blockType: BlockType;
  valid: boolean;
}

/**
 * Converts a Prefect 2 export (one block document or a list) to infrablocks documents with each
 * type's own import hook, validates each, and prints them as one multi-document YAML stream that
 * `validate` and `save` read back (each with its `$name`), secrets masked; `--out DIR` writes one
 * file per document (secrets kept, readable by the owner alone) and `--name NAME` saves them in the
 * store instead. Notes and problems go to stderr, each with its field's Prefect path.
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
  if (options.name) assertDocumentName(options.name);
  const imported = await importPrefectDocuments(inputs, session.registry, {
    source: file,
    ...(options.name ? { fallbackName: options.name } : {}),
  });
  for (const note of imported.notes) session.log.info(`note: ${note.label}: ${note.path}: ${note.text}`);
  for (const problem of imported.problems)
    session.log.warn(`${problem.label}: ${problem.path}: ${problem.text}`);
  let problems = imported.problems.length;

  // A `$ref` between documents of this import is checked against the import, not the store.
  const siblings = imported.documents.map((entry) => ({ document: entry.document, name: entry.name }));
  const checked: Checked[] = [];
  for (const entry of imported.documents) {
    const valid = await session.resolve(entry.document, entry.label, siblings).then(
      () => true,
      (error: unknown) => {
        if (!isInfrablocksError(error)) throw error;
        session.log.warn(`${entry.label}: the converted document is not valid yet: ${error.message}`);
        return false;
      },
    );
    if (!valid) problems++;
    checked.push({ ...entry, blockType: await session.registry.get(entry.slug), valid });
  }

  if (options.name) problems += await save(session, checked);
  if (options.out) await writeFiles(session, checked, options.out);
  if (!options.name && !options.out && checked.length > 0) {
    // Masked field by field before printing: "********" must stay a quoted YAML string, not an alias.
    const masked = checked.map((entry) => maskedForOutput(entry.blockType, entry.document));
    if (JSON.stringify(masked) !== JSON.stringify(checked.map((entry) => entry.document))) {
      session.log.info("Secrets are masked in this output; --out DIR or --name NAME keeps them.");
    }
    session.writeOut(
      checked
        .map((entry, index) => namedYaml(entry.name, masked[index] as Record<string, unknown>))
        .join("---\n"),
    );
  }
  return problems === 0 ? CONVERTED : PROBLEMS;
}

// --- Internal helpers ---

/** Saves the valid documents, nested ones first; returns how many could not be saved. */
async function save(session: Session, checked: Checked[]): Promise<number> {
  let failed = 0;
  for (const entry of checked) {
    if (!entry.valid) {
      session.log.warn(`${entry.label}: ${entry.slug}/${entry.name} not saved, as it is not valid.`);
      failed++;
      continue;
    }
    try {
      const path = await session.store.save(entry.slug, entry.name, entry.document);
      session.log.info(`Saved ${entry.slug}/${entry.name} (${path})`);
    } catch (error) {
      if (!isInfrablocksError(error)) throw error;
      session.log.warn(`${entry.label}: not saved: ${error.message}`);
      failed++;
    }
  }
  return failed;
}

/** Writes `DIR/<slug>.<name>.yaml` per document, secrets included, readable by the owner alone. */
async function writeFiles(session: Session, checked: Checked[], folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  for (const entry of checked) {
    // Slugs and names hold no dot, so `<slug>.<name>` names one document and no other.
    const path = join(folder, `${entry.slug}.${entry.name}.yaml`);
    await writeFile(path, namedYaml(entry.name, entry.document), { mode: 0o600 });
    session.log.info(`Wrote ${path}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
