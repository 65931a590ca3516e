import { readFileSync, type Stats, statSync } from "node:fs";
import { join } from "node:path";
import {
  type BlockRegistry,
  baseEnvironment,
  type CheckedBlock,
  checkDocument,
  type DocumentChecker,
  DocumentStore,
  type DriverContext,
  InfrablocksError,
  type Logger,
  type ProgressOutput,
  parseDocumentReference,
  parseDocumentsText,
  Redactor,
  type SourceDocument,
  secretEnvironmentValues,
} from "@infrablocks/core/runtime";
import { installedBlockTypes, installedCheckers } from "./drivers.js";
import { stderrStream, writeStderr, writeStdout } from "./stdio.js";

/** What every command shares: the registry, the store, and output that never shows a secret. */
export class Session {
  /** The session of this command, whose redactor also scrubs the final error message. */
  static current: Session | undefined;

  constructor() {
    Session.current = this;
    // The base environment reaches every infrastructure: its secret-named values are masked from the start.
    this.redactor.add(...secretEnvironmentValues(this.baseEnvironment));
  }

  readonly store = new DocumentStore();
  readonly redactor = new Redactor();
  readonly baseEnvironment = baseEnvironment();
  readonly log: Logger = {
    info: (message) => this.writeErr(message),
    warn: (message) => this.writeErr(`warning: ${message}`),
    error: (message) => this.writeErr(`error: ${message}`),
  };
  /**
   * Live progress on stderr: redrawn in place on a terminal (not a dumb one), else lines of totals. Read
   * when asked: setting up `process.stderr` costs a command that prints nothing there 2 to 3 ms.
   */
  readonly progress: ProgressOutput = {
    get terminal() {
      return stderrStream().isTTY === true && process.env.TERM !== "dumb";
    },
    get columns() {
      return stderrStream().columns;
    },
    write: (text) => writeStderr(this.redactor.redact(text)),
  };
  readonly registry: BlockRegistry = installedBlockTypes((message) => this.log.warn(message));
  /** What documents are checked with: a driver's check entry where it ships one, so zod loads only to word a rejection. */
  readonly checkers: BlockRegistry<DocumentChecker> = installedCheckers();

  /**
   * What every driver operation on a block of type `slug` gets. Drivers keep state that outlives the
   * runner (a process run's record) beside the saved documents, under `state/<slug>`.
   */
  driverContext(slug: string): DriverContext {
    return {
      log: this.log,
      baseEnvironment: this.baseEnvironment,
      redact: (text) => this.redactor.redact(text),
      stateFolder: join(this.store.home, "state", slug),
    };
  }

  /** Writes to stdout with every known secret masked. */
  writeOut(text: string): void {
    writeStdout(this.redactor.redact(text.endsWith("\n") ? text : `${text}\n`));
  }

  writeErr(text: string): void {
    writeStderr(this.redactor.redact(text.endsWith("\n") ? text : `${text}\n`));
  }

  /**
   * Reads DOC, which must hold one document: for the commands that act on one block (preview, run,
   * kill). A file of several is refused with a list of them and what to do instead.
   */
  async readDocument(source: string, command = "this command"): Promise<Record<string, unknown>> {
    const documents = await this.readDocuments(source);
    if (documents.length > 1) {
      const listed = documents.map((entry) => entry.label).join(", ");
      throw new InfrablocksError(
        "INVALID_DOCUMENT",
        `${source} holds ${documents.length} documents (${listed}); ${command} takes one. Save them (infrablocks save ${source}) and name one as SLUG/NAME, or put it in a file of its own.`,
      );
    }
    return (documents[0] as SourceDocument).document;
  }

  /**
   * Reads every document of DOC without validating them: a file or stdin may hold several (a YAML
   * stream), each with an optional `$name`; `<slug>/<name>` of a saved document is one, so named.
   */
  async readDocuments(source: string): Promise<SourceDocument[]> {
    if (source === "-") return parseDocumentsText(await readStdin(), "stdin");
    // Synchronous reads of the one file: node:fs/promises would cost `validate` 3 ms to load.
    const info = statOrUndefined(source);
    if (info?.isFile()) return parseDocumentsText(readFileSync(source, "utf8"), source);
    if (info?.isDirectory()) {
      throw new InfrablocksError(
        "DOCUMENT_FILE_NOT_FOUND",
        `'${source}' is a folder, not a document file. DOC is a path to a JSON or YAML file, '-' for stdin, or <slug>/<name> of a saved document.`,
      );
    }
    const reference = parseDocumentReference(source);
    if (reference && this.registry.has(reference.slug)) {
      const document = await this.store.load(reference.slug, reference.name);
      return [{ document, name: reference.name, label: source }];
    }
    throw new InfrablocksError(
      "DOCUMENT_FILE_NOT_FOUND",
      `No document file '${source}'. DOC is a path to a JSON or YAML file, '-' for stdin, or <slug>/<name> of a saved document.`,
    );
  }

  /** Reads and validates DOC, which must hold one document, and learns its secrets so that no output shows them. */
  async loadBlock(source: string, command?: string): Promise<CheckedBlock> {
    return this.resolve(await this.readDocument(source, command), source);
  }

  /**
   * Validates a document read by {@link readDocuments}, learning its secrets first. A `$ref` to a
   * document among `siblings` (the others of its file, by type and `$name`) is resolved to it before
   * the store is asked, so a file can hold a block and the blocks it refers to.
   */
  async resolve(
    document: Record<string, unknown>,
    source: string,
    siblings: readonly Pick<SourceDocument, "document" | "name">[] = [],
  ): Promise<CheckedBlock> {
    // Secrets are learned as each document is read, before validation, so no error can echo one.
    return checkDocument(
      this.checkers,
      document,
      async (slug, name) =>
        siblings.find((entry) => entry.name === name && entry.document.type === slug)?.document ??
        this.store.load(slug, name),
      source,
      { onSecrets: (values) => this.redactor.add(...values) },
    );
  }
}

/** The path's stat, or undefined where there is none to see (missing, or not ours to read). */
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
