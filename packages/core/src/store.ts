import { constants as fsConstants } from "node:fs";
import { join } from "node:path";
import { InfrablocksError } from "./errors.js";
import { assertDocumentName, SLUG_PATTERN } from "./names.js";
import { isProcessRunning } from "./runs.js";
import { defaultStoreHome } from "./store-home.js";

// Loaded when the store is first used, not with core's runtime: `validate` and `preview` of a file never
// use it, and node:fs/promises costs them about 3 ms with the readline and stream modules it loads.
const fsPromises = () => process.getBuiltinModule("node:fs/promises");

export interface StoredDocumentInfo {
  slug: string;
  name: string;
  path: string;
  modifiedAt: Date;
}

/**
 * Saved block documents, one JSON file each under `<home>/documents/<slug>/<name>.json`, readable by
 * the owner alone. Every write goes to a temporary file that is synced and then renamed (or hard-linked,
 * when overwriting is not allowed) into place, so readers and a crash only ever see a whole document,
 * and concurrent writers of one name cannot both win.
 */
export class DocumentStore {
  readonly home: string;

  constructor(home: string = defaultStoreHome()) {
    this.home = home;
  }

  async save(
    slug: string,
    name: string,
    document: object,
    options: { overwrite?: boolean } = {},
  ): Promise<string> {
    assertDocumentName(name);
    const { link, mkdir, rename, unlink } = fsPromises();
    const folder = this.#folder(slug);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const target = join(folder, `${name}.json`);
    const temporary = await writeSyncedTemporary(folder, name, `${JSON.stringify(document, null, 2)}\n`);
    try {
      if (options.overwrite) {
        await rename(temporary, target);
      } else {
        await link(temporary, target).catch((error: NodeJS.ErrnoException) => {
          if (error.code === "EEXIST") {
            throw new InfrablocksError(
              "DOCUMENT_EXISTS",
              `A ${slug} document named '${name}' is already saved; pass --overwrite to replace it.`,
            );
          }
          throw error;
        });
      }
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
    await syncFolder(folder);
    await removeAbandonedTemporaries(folder);
    return target;
  }

  async load(slug: string, name: string): Promise<Record<string, unknown>> {
    assertDocumentName(name);
    let text: string;
    try {
      text = await fsPromises().readFile(join(this.#folder(slug), `${name}.json`), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw notFound(slug, name);
      throw storeError(`read ${slug}/${name}`, error);
    }
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw storeError(`parse ${slug}/${name}`, error);
    }
  }

  async list(slug?: string): Promise<StoredDocumentInfo[]> {
    const slugs = slug ? [slug] : await listFolder(join(this.home, "documents"));
    const found: StoredDocumentInfo[] = [];
    const { stat } = fsPromises();
    for (const typeSlug of slugs) {
      const folder = this.#folder(typeSlug);
      for (const file of await listFolder(folder)) {
        if (file.startsWith(".") || !file.endsWith(".json")) continue;
        const path = join(folder, file);
        const info = await stat(path).catch(() => undefined);
        if (info) found.push({ slug: typeSlug, name: file.slice(0, -5), path, modifiedAt: info.mtime });
      }
    }
    return found.sort((a, b) => a.slug.localeCompare(b.slug) || a.name.localeCompare(b.name));
  }

  /** The saved documents that hold a `$ref` to `slug/name`, at any depth, as `slug/name` strings. */
  async referrers(slug: string, name: string): Promise<string[]> {
    const target = `${slug}/${name}`;
    const found: string[] = [];
    for (const info of await this.list()) {
      const key = `${info.slug}/${info.name}`;
      if (key === target) continue;
      const document = await this.load(info.slug, info.name).catch(() => undefined);
      if (document !== undefined && refersTo(document, target)) found.push(key);
    }
    return found;
  }

  async delete(slug: string, name: string): Promise<void> {
    assertDocumentName(name);
    try {
      await fsPromises().unlink(join(this.#folder(slug), `${name}.json`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw notFound(slug, name);
      throw storeError(`delete ${slug}/${name}`, error);
    }
  }

  #folder(slug: string): string {
    if (!SLUG_PATTERN.test(slug)) {
      throw new InfrablocksError(
        "INVALID_NAME",
        `'${slug}' is not a block type slug (lowercase letters, digits, dashes).`,
      );
    }
    return join(this.home, "documents", slug);
  }
}

// --- Internal helpers ---

function refersTo(node: unknown, target: string): boolean {
  if (node === null || typeof node !== "object") return false;
  if (!Array.isArray(node) && (node as Record<string, unknown>).$ref === target) return true;
  return Object.values(node).some((value) => refersTo(value, target));
}

function notFound(slug: string, name: string): InfrablocksError {
  return new InfrablocksError(
    "DOCUMENT_NOT_FOUND",
    `No saved ${slug} document is named '${name}'; 'infrablocks ls --type ${slug}' lists the saved ones.`,
  );
}

function storeError(action: string, cause: unknown): InfrablocksError {
  return new InfrablocksError("STORE_ERROR", `Could not ${action} in the document store: ${String(cause)}`, {
    cause,
  });
}

async function listFolder(folder: string): Promise<string[]> {
  try {
    return (await fsPromises().readdir(folder)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw storeError(`list ${folder}`, error);
  }
}

/**
 * Writes `text` to a new temporary file beside `name` in `folder` (owner-only, synced to disk) and
 * returns its path, for the caller to rename or link into place: readers never see half a file.
 */
export async function writeSyncedTemporary(folder: string, name: string, text: string): Promise<string> {
  const temporary = join(
    folder,
    `.${name}.${process.pid}.${Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(6))).toString("hex")}.tmp`,
  );
  const { open } = fsPromises();
  const file = await open(temporary, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o600);
  try {
    await file.writeFile(text);
    await file.sync();
  } finally {
    await file.close();
  }
  return temporary;
}

const TEMPORARY_FILE = /^\..+\.([0-9]+)\.[0-9a-f]{12}\.tmp$/;

/** Temporary files of writers that died mid-save; they never become documents, so they go. */
async function removeAbandonedTemporaries(folder: string): Promise<void> {
  const { unlink } = fsPromises();
  for (const file of await listFolder(folder)) {
    const writer = TEMPORARY_FILE.exec(file)?.[1];
    if (writer && !isProcessRunning(Number(writer))) await unlink(join(folder, file)).catch(() => undefined);
  }
}

/** Makes the rename itself durable, so a crash after save returns cannot lose the document. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await fsPromises().open(folder, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
