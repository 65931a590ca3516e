import { readFile, stat } from "node:fs/promises";
import {
  type BlockRegistry,
  baseEnvironment,
  DocumentStore,
  InfrablocksError,
  isSecretVariableName,
  type Logger,
  parseDocumentReference,
  parseDocumentText,
  Redactor,
  type ResolvedBlock,
  RunRegistry,
  resolveBlock,
  secretValues,
} from "@infrablocks/core";
import { installedBlockTypes } from "./drivers.js";

/** What every command shares: the registry, the store, and output that never shows a secret. */
export class Session {
  /** The session of this command, whose redactor also scrubs the final error message. */
  static current: Session | undefined;

  constructor() {
    Session.current = this;
  }

  readonly store = new DocumentStore();
  /** Runs recorded so that they outlive their runner, beside the saved documents. */
  readonly runs = new RunRegistry(this.store.home);
  readonly redactor = new Redactor();
  readonly baseEnvironment = baseEnvironment();
  readonly log: Logger = {
    info: (message) => this.writeErr(message),
    warn: (message) => this.writeErr(`warning: ${message}`),
    error: (message) => this.writeErr(`error: ${message}`),
  };
  readonly registry: BlockRegistry = installedBlockTypes((message) => this.log.warn(message));

  /** Writes to stdout with every known secret masked. */
  writeOut(text: string): void {
    process.stdout.write(this.redactor.redact(text.endsWith("\n") ? text : `${text}\n`));
  }

  writeErr(text: string): void {
    process.stderr.write(this.redactor.redact(text.endsWith("\n") ? text : `${text}\n`));
  }

  /** Reads DOC (a file, `-` for stdin, or `<slug>/<name>` of a saved document) without validating it. */
  async readDocument(source: string): Promise<Record<string, unknown>> {
    if (source === "-") return parseDocumentText(await readStdin(), "stdin");
    const info = await stat(source).catch(() => undefined);
    if (info?.isFile()) return parseDocumentText(await readFile(source, "utf8"), source);
    if (info?.isDirectory()) {
      throw new InfrablocksError(
        "DOCUMENT_FILE_NOT_FOUND",
        `'${source}' is a folder, not a document file. DOC is a path to a JSON or YAML file, '-' for stdin, or <slug>/<name> of a saved document.`,
      );
    }
    const reference = parseDocumentReference(source);
    if (reference && this.registry.has(reference.slug))
      return this.store.load(reference.slug, reference.name);
    throw new InfrablocksError(
      "DOCUMENT_FILE_NOT_FOUND",
      `No document file '${source}'. DOC is a path to a JSON or YAML file, '-' for stdin, or <slug>/<name> of a saved document.`,
    );
  }

  /** Reads and validates DOC, and learns its secrets so that no output shows them. */
  async loadBlock(source: string): Promise<ResolvedBlock> {
    return this.resolve(await this.readDocument(source), source);
  }

  /** Validates a document read by {@link readDocument}, learning its secrets first. */
  async resolve(document: Record<string, unknown>, source: string): Promise<ResolvedBlock> {
    // Learn the secrets before validating, so that even an error about this document cannot echo one.
    if (typeof document.type === "string" && this.registry.has(document.type)) {
      this.redactor.add(...secretValues(await this.registry.get(document.type), document));
    }
    this.redactor.add(
      ...secretEnvironmentValues(document.env),
      ...secretEnvironmentValues(this.baseEnvironment),
    );
    const block = await resolveBlock(
      this.registry,
      document,
      (slug, name) => this.store.load(slug, name),
      source,
    );
    this.redactor.add(...secretValues(block.blockType, block.document));
    return block;
  }
}

/** Values of variables whose names mark them secret (…KEY, …TOKEN, …SECRET, …PASSWORD). */
function secretEnvironmentValues(env: unknown): string[] {
  if (env === null || typeof env !== "object") return [];
  return Object.entries(env).flatMap(([name, value]) =>
    typeof value === "string" && isSecretVariableName(name) ? [value] : [],
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
