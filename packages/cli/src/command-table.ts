import type { Session } from "./session.js";

/** Opens the command's session (registry, store, redactor) on first use; `types` and `schema` may skip it. */
export type OpenSession = () => Promise<Session>;

/**
 * One option of a command, as data: commander is loaded only for help and for usage errors
 * (command-line.ts parses a well-formed command line without it).
 */
export interface OptionSpec {
  /** `--json`, `--out <dir>`: a long name, and a value when it takes one. */
  flags: string;
  description: string;
  default?: unknown;
  /** Turns the value given (and the one before it, for a repeated option) into the option's value; throws OptionValueError. */
  parse?: (value: string, previous: unknown) => unknown;
}

/** A value an option does not take; its message says what it takes. */
export class OptionValueError extends Error {}

const option = (flags: string, description: string, more: Partial<OptionSpec> = {}): OptionSpec => ({
  flags,
  description,
  ...more,
});

/**
 * One command of `infrablocks`, as data. `run` receives the command's arguments in order, then its
 * options, and imports its module only when called, so `--help` and `schema` start fast.
 */
export interface CommandSpec {
  name: string;
  /** The line in the top-level command list. */
  summary: string;
  /** What the command's own help adds below the summary. */
  details?: string;
  /** `<doc>` / `[type]` and what each is. */
  arguments?: readonly [string, string][];
  options?: readonly OptionSpec[];
  /** Shown as `$ infrablocks …` lines in the command's help. */
  examples: readonly string[];
  /** Whether it takes a DOC, whose forms its help then explains. */
  takesDoc?: boolean;
  run: (open: OpenSession, ...params: never[]) => Promise<number>;
}

const JSON_EVENTS = "stdout carries only JSON lines (started, exited); the run's output goes to stderr";

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "types",
    summary: "List the installed block types.",
    options: [option("--json", "print an array of {slug, title, capabilities, package}")],
    examples: ["infrablocks types", "infrablocks types --json"],
    run: async (open, options: { json?: boolean }) =>
      (await import("./commands/types.js")).typesCommand(open, options),
  },
  {
    name: "schema",
    summary: "Print the JSON schema of one block type, or of all as an object keyed by slug.",
    arguments: [["[type]", "a block type slug, e.g. docker-container"]],
    options: [
      option("--out <dir>", "write <dir>/<slug>.json for each type and <dir>/index.json instead of printing"),
    ],
    examples: ["infrablocks schema process", "infrablocks schema --out schemas/"],
    run: async (open, type: string | undefined, options: { out?: string }) =>
      (await import("./commands/schema.js")).schemaCommand(open, type, options),
  },
  {
    name: "validate",
    summary: "Check a block document, or each document of a multi-document YAML file.",
    details: "A $ref from one document of the file to another is resolved within the file.",
    arguments: [["<doc>", "the document"]],
    takesDoc: true,
    examples: ["infrablocks validate hello-process.yaml", "infrablocks validate - < job.json"],
    run: async (open, doc: string) =>
      (await import("./commands/validate.js")).validateCommand(await open(), doc),
  },
  {
    name: "preview",
    summary: "Show what would run, secrets masked.",
    details:
      "A process prints as shell text, a container as the JSON of its create settings (no engine needed), a job as its YAML manifest.",
    arguments: [["<doc>", "the document"]],
    takesDoc: true,
    examples: ["infrablocks preview hello-process.yaml", "infrablocks preview docker-container/nightly"],
    run: async (open, doc: string) =>
      (await import("./commands/preview.js")).previewCommand(await open(), doc),
  },
  {
    name: "run",
    summary: "Run a block and wait for it; exits with its status code.",
    details:
      "Its output streams to stdout and stderr; infrablocks' own messages, the identifier among them, go to stderr.",
    arguments: [["<doc>", "the document"]],
    options: [
      option("--json", JSON_EVENTS),
      option(
        "--run-id <id>",
        "the run's id: 1-63 letters, digits, '.', '_', '-' (default: a new UUID); passed as INFRABLOCKS_RUN_ID and labelled on the infrastructure",
      ),
      graceOption("seconds Ctrl-C gives the run to stop before it is killed"),
    ],
    takesDoc: true,
    examples: [
      "infrablocks run hello-process.yaml",
      "infrablocks run process/nightly --json",
      "infrablocks run job.yaml --run-id nightly-2024-06-01 --grace 10",
    ],
    run: async (open, doc: string, options: { json?: boolean; grace: number; runId?: string }) =>
      (await import("./commands/run.js")).runCommand(await open(), doc, options),
  },
  {
    name: "attach",
    summary: "Attach to a live run whose runner died, and exit with its status code as 'run' would.",
    details:
      "Streams its output: a process's recent output (the tail kept on disk, up to its block's outputTailBytes) and then what comes, a container's or job's from the start.",
    arguments: [
      ["<doc>", "the document the run was started from"],
      ["<run-id>", "the run id 'run' and 'ps' show"],
    ],
    options: [
      option("--json", JSON_EVENTS),
      graceOption("seconds Ctrl-C gives the run to stop before it is killed"),
    ],
    takesDoc: true,
    examples: ["infrablocks ps", "infrablocks attach hello-process.yaml 3f2a9c1e-…"],
    run: async (open, doc: string, runId: string, options: { json?: boolean; grace: number }) =>
      (await import("./commands/run.js")).attachCommand(await open(), doc, runId, options),
  },
  {
    name: "ps",
    summary: "List the live runs infrablocks started, and whether their runner is alive.",
    details:
      "Looks at the processes of this machine, the containers of the Docker engine (DOCKER_HOST) and, when a kubeconfig or an in-cluster service account exists, the jobs of that cluster.",
    options: [
      option(
        "--json",
        "print an array of {runId, type, identifier, startedAt, runner, runnerAlive (true, false, or null: another host)}",
      ),
    ],
    examples: ["infrablocks ps", "infrablocks ps --json"],
    run: async (open, options: { json?: boolean }) =>
      (await import("./commands/runs.js")).psCommand(await open(), options),
  },
  {
    name: "sweep",
    summary: "End the runs of the block's type within its reach whose runner has died.",
    details: "The block's reach is its Docker endpoint, or its cluster and namespace.",
    arguments: [["<doc>", "a document of the type to sweep"]],
    options: [
      option("--older-than <duration>", "only runs started at least this long ago: 90s, 10m, 2h, 1d", {
        parse: parseDuration,
      }),
      option("--dry-run", "list the runs that would be ended, ending none"),
      option("--json", "print an array of the runs, each with its outcome"),
      graceOption("seconds between the polite stop and the forced one"),
    ],
    takesDoc: true,
    examples: [
      "infrablocks sweep docker-container/nightly --dry-run",
      "infrablocks sweep job.yaml --older-than 2h",
    ],
    run: async (
      open,
      doc: string,
      options: { olderThan?: number; dryRun?: boolean; grace: number; json?: boolean },
    ) => (await import("./commands/runs.js")).sweepCommand(await open(), doc, options),
  },
  {
    name: "kill",
    summary: "Stop a run by the identifier 'run' reported.",
    details: "Exits 3 if it no longer exists, 4 if it is out of this block's reach.",
    arguments: [
      ["<doc>", "the document the run was started from"],
      ["<identifier>", "e.g. myhost:4242 for a process"],
    ],
    options: [graceOption("seconds between the polite stop and the forced one")],
    takesDoc: true,
    examples: [
      "infrablocks kill hello-process.yaml myhost:4242",
      "infrablocks kill job.yaml <cluster-uid>:default:hello-x7k2p --grace 5",
    ],
    run: async (open, doc: string, identifier: string, options: { grace: number }) =>
      (await import("./commands/kill.js")).killCommand(await open(), doc, identifier, options),
  },
  {
    name: "save",
    summary: "Validate a document and store it under a name.",
    details:
      "A multi-document YAML file is saved whole (every document valid) or not at all, each document under its --name (given once per document, in order) or else its $name.",
    arguments: [["<doc>", "the document"]],
    options: [
      option(
        "--name <name>",
        "1-63 lowercase letters, digits and dashes; once per document, in order (default: each document's $name)",
        { parse: (value, previous) => [...((previous as string[] | undefined) ?? []), value] },
      ),
      option("--overwrite", "replace a document saved under the same name"),
    ],
    takesDoc: true,
    examples: [
      "infrablocks save registry.yaml --name private",
      "infrablocks show docker-registry/private > r.yaml  # edit, then:",
      "infrablocks save r.yaml --name private --overwrite",
      "infrablocks import-prefect blocks.json | infrablocks save -",
    ],
    run: async (open, doc: string, options: { name?: string[]; overwrite?: boolean }) =>
      (await import("./commands/documents.js")).saveCommand(await open(), doc, options),
  },
  {
    name: "ls",
    summary: "List saved documents.",
    options: [
      option("--type <type>", "only this block type"),
      option("--json", "print an array of {slug, name, path, modifiedAt}"),
    ],
    examples: ["infrablocks ls", "infrablocks ls --type process --json"],
    run: async (open, options: { type?: string; json?: boolean }) =>
      (await import("./commands/documents.js")).lsCommand(await open(), options),
  },
  {
    name: "show",
    summary: "Print a saved document as YAML, secrets masked.",
    details:
      "The YAML starts with its $name, so 'infrablocks show SLUG/NAME | infrablocks save - --overwrite' saves an edit back, keeping each masked secret's stored value.",
    arguments: [["<slug/name>", "e.g. docker-registry/private"]],
    options: [
      option("--json", "print JSON instead of YAML"),
      option("--reveal", "print secret values instead of masking them"),
    ],
    examples: ["infrablocks show docker-registry/private", "infrablocks show process/nightly --json"],
    run: async (open, reference: string, options: { json?: boolean; reveal?: boolean }) =>
      (await import("./commands/documents.js")).showCommand(await open(), reference, options),
  },
  {
    name: "rm",
    summary: "Delete a saved document.",
    arguments: [["<slug/name>", "e.g. process/nightly"]],
    options: [option("--force", "delete it even when other saved documents refer to it")],
    examples: ["infrablocks rm process/nightly", "infrablocks rm docker-registry/private --force"],
    run: async (open, reference: string, options: { force?: boolean }) =>
      (await import("./commands/documents.js")).rmCommand(await open(), reference, options),
  },
  {
    name: "import-prefect",
    summary:
      "Convert Prefect 2 block documents to infrablocks documents and print them as YAML, secrets masked.",
    details:
      "Each installed block type imports its own Prefect documents (process, docker-container, docker-registry, kubernetes-job, kubernetes-cluster-config). The output is one multi-document YAML stream that validate and save read back; each document keeps its Prefect block name ($name), and a nested block (a registry, a cluster config) becomes a document of its own, referred to with $ref, written once. Notes and problems go to stderr; exits 1 when a problem remains, 2 when FILE cannot be read.",
    arguments: [["<file>", "a Prefect export, JSON or YAML: one block document or a list; '-' for stdin"]],
    options: [
      option(
        "--out <dir>",
        "write <dir>/<slug>.<name>.yaml per document instead (secrets kept; readable by the owner alone)",
      ),
      option(
        "--name <name>",
        "save the valid documents in the store instead, under their Prefect names; NAME names those without one (NAME-2, NAME-3, … for several)",
      ),
    ],
    examples: [
      "infrablocks import-prefect blocks.json",
      "infrablocks import-prefect blocks.json --name nightly",
    ],
    run: async (open, file: string, options: { out?: string; name?: string }) =>
      (await import("./commands/import-prefect.js")).importPrefectCommand(await open(), file, options),
  },
  {
    name: "ui",
    summary: "Serve a web page with a form for every installed block type, on 127.0.0.1.",
    details: "Prints the URL and runs until Ctrl-C.",
    options: [
      option("--port <port>", "the port to listen on; 0 picks a free one (default 4280)", {
        parse: parsePort,
      }),
      option("--open", "open the page in the default browser"),
    ],
    examples: ["infrablocks ui --open", "infrablocks ui --port 0"],
    run: async (open, options: { port?: number; open?: boolean }) =>
      (await import("./commands/ui.js")).uiCommand(await open(), options),
  },
  {
    name: "completion",
    summary: "Print a shell completion script for bash or zsh.",
    details:
      "Or load it in the shell's start-up file: source <(infrablocks completion bash), likewise for zsh after compinit.",
    arguments: [["<shell>", "bash or zsh"]],
    examples: [
      "infrablocks completion bash > ~/.local/share/bash-completion/completions/infrablocks",
      "infrablocks completion zsh > ~/.zfunc/_infrablocks  # with fpath+=(~/.zfunc) before compinit",
    ],
    run: async (_open, shell: string) => (await import("./commands/completion.js")).completionCommand(shell),
  },
];

function graceOption(description: string): OptionSpec {
  return option("--grace <seconds>", description, {
    default: 30,
    parse: (value) => {
      const seconds = Number(value);
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new OptionValueError("expected a number of seconds ≥ 0");
      return seconds;
    },
  });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new OptionValueError("expected a port number from 0 to 65535");
  return port;
}

const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `2h`, `1d` in milliseconds. */
function parseDuration(value: string): number {
  const match = /^([0-9]+)([smhd])$/.exec(value.trim());
  if (!match) throw new OptionValueError("expected a number and a unit: 90s, 10m, 2h or 1d");
  return Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
}
