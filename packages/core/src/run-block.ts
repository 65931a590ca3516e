import type { BlockInput, BlockType } from "./block-type.js";
import { driverContext, killContext, runContext, stderrLogger } from "./contexts.js";
import { type ResolvedBlock, resolveBlock, type SavedDocumentLoader } from "./documents.js";
import { baseEnvironment } from "./environment.js";
import type {
  DriverContext,
  Infrastructure,
  KillContext,
  Logger,
  PreviewContext,
  RunContext,
  RunResult,
} from "./infrastructure.js";
import { loadInfrastructure } from "./infrastructure-loader.js";
import { BlockRegistry } from "./registry.js";
import { Redactor, secretEnvironmentValues, secretValues } from "./secrets.js";
import { DocumentStore } from "./store.js";

/** How a library call reads its document; every other option is a context field, defaulted. */
export interface BlockCallOptions {
  /**
   * Loads the saved document a nested `$ref` names. Default: the CLI's store
   * (`$INFRABLOCKS_HOME`, else `~/.infrablocks`), read only when a `$ref` is met.
   */
  loadSaved?: SavedDocumentLoader;
  /** Names the document in error messages. Default: `document`. */
  source?: string;
}

/** {@link runBlock}'s options: any {@link RunContext} field overrides {@link runContext}'s default. */
export type RunBlockOptions = BlockCallOptions & Partial<RunContext>;
/** {@link previewBlock}'s options: any {@link PreviewContext} field overrides {@link driverContext}'s default. */
export type PreviewBlockOptions = BlockCallOptions & Partial<PreviewContext>;
/** {@link killBlock}'s options: any {@link KillContext} field overrides {@link killContext}'s default. */
export type KillBlockOptions = BlockCallOptions & Partial<KillContext>;

/**
 * Runs a block in one call and resolves to its result, as `infrablocks run` does: the document is
 * validated by its type (the `$ref`s resolved, the type's own checks run, a mask in a secret field
 * refused), the infrastructure loaded, and the run given {@link runContext}'s defaults (output to this
 * process's stdout and stderr, messages on stderr, the `INFRABLOCKS_*` base environment, a fresh run
 * id) with `options` over them. The block's secrets are masked in messages, in `redact` and in errors.
 */
export async function runBlock<TBlockType extends BlockType>(
  blockType: TBlockType,
  input: BlockInput<TBlockType>,
  options: RunBlockOptions = {},
): Promise<RunResult> {
  return withBlock(blockType, input, options, ({ infrastructure, config, context }) =>
    infrastructure.run(config, runContext(context)),
  );
}

/** What {@link runBlock} would run, as `infrastructure preview` prints it: secrets masked, no engine needed. */
export async function previewBlock<TBlockType extends BlockType>(
  blockType: TBlockType,
  input: BlockInput<TBlockType>,
  options: PreviewBlockOptions = {},
): Promise<string> {
  return withBlock(blockType, input, options, ({ infrastructure, config, context }) =>
    infrastructure.preview(config, driverContext(context)),
  );
}

/** Stops the run `identifier` of a block (as reported to `onStarted`), with a grace period of 30 s unless told. */
export async function killBlock<TBlockType extends BlockType>(
  blockType: TBlockType,
  input: BlockInput<TBlockType>,
  identifier: string,
  options: KillBlockOptions = {},
): Promise<void> {
  return withBlock(blockType, input, options, ({ infrastructure, config, context }) =>
    infrastructure.kill(config, identifier, killContext(context)),
  );
}

// --- Internal helpers ---

interface PreparedBlock<TContext> {
  infrastructure: Infrastructure<unknown>;
  config: unknown;
  /** The caller's context fields, with `log` and `redact` masking the block's secrets too. */
  context: TContext & Pick<DriverContext, "log" | "redact" | "baseEnvironment">;
}

/**
 * Validates the block and loads its infrastructure, learning its secrets first so that no message,
 * not even a validation error, shows one; an error thrown from `action` is masked likewise.
 */
async function withBlock<TContext extends Partial<DriverContext>, TResult>(
  blockType: BlockType,
  input: unknown,
  options: BlockCallOptions & TContext,
  action: (block: PreparedBlock<TContext>) => Promise<TResult>,
): Promise<TResult> {
  const { loadSaved, source, ...overrides } = options;
  const redactor = new Redactor();
  const environment = overrides.baseEnvironment ?? baseEnvironment();
  // A `type` of another slug stays, to be refused by name.
  const document: Record<string, unknown> = { type: blockType.slug, ...(input as Record<string, unknown>) };
  redactor.add(
    ...secretValues(blockType, document),
    ...secretEnvironmentValues(document.env),
    ...secretEnvironmentValues(environment),
  );
  const callerRedact = overrides.redact ?? ((text: string) => text);
  const redact = (text: string) => callerRedact(redactor.redact(text));
  try {
    const block: ResolvedBlock = await resolveBlock(
      new BlockRegistry([blockType]),
      document,
      loadSaved ?? defaultLoader(),
      source,
    );
    redactor.add(...secretValues(blockType, block.document));
    const infrastructure = await loadInfrastructure(blockType);
    const log = maskedLogger(overrides.log ?? stderrLogger, redact);
    return await action({
      infrastructure,
      config: block.config,
      context: { ...(overrides as TContext), log, redact, baseEnvironment: environment },
    });
  } catch (error) {
    if (error instanceof Error) {
      error.message = redact(error.message);
      if (error.stack) error.stack = redact(error.stack);
    }
    throw error;
  }
}

function defaultLoader(): SavedDocumentLoader {
  let store: DocumentStore | undefined;
  return (slug, name) => {
    store ??= new DocumentStore();
    return store.load(slug, name);
  };
}

function maskedLogger(log: Logger, redact: (text: string) => string): Logger {
  return {
    info: (message) => log.info(redact(message)),
    warn: (message) => log.warn(redact(message)),
    error: (message) => log.error(redact(message)),
  };
}
