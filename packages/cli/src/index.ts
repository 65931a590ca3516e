import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { USAGE_EXIT_CODE } from "./exit-codes.js";
import type { Session } from "./session.js";

// Commands, core and drivers are imported only when a command runs, so `--help` and `schema` start fast.
const DOC_HELP = "DOC is a JSON or YAML file, '-' for stdin, or <slug>/<name> of a saved document.";

/** Runs the `infrablocks` command line and resolves to its exit status. */
export async function main(argv: string[]): Promise<number> {
  let opened: Promise<Session> | undefined;
  const openSession = () => {
    opened ??= import("./session.js").then((module) => new module.Session());
    return opened;
  };
  let exitCode = 0;
  const action =
    <A extends unknown[]>(command: (session: Session, ...args: A) => Promise<number>) =>
    async (...args: A) => {
      exitCode = await command(await openSession(), ...args);
    };

  const program = new Command("infrablocks")
    .description(
      "Describe work as typed blocks and run it as a local process, a Docker container or a Kubernetes Job.",
    )
    .version(packageJson.version)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command("types")
    .description("List the installed block types.")
    .option("--json", "print an array of {slug, title, capabilities, package}")
    .action(async (options) => {
      exitCode = await (await import("./commands/types.js")).typesCommand(openSession, options);
    });

  program
    .command("schema")
    .description("Print the JSON schema of one block type, or of all as an object keyed by slug.")
    .argument("[type]", "a block type slug, e.g. docker-container")
    .option("--out <dir>", "write <dir>/<slug>.json for each type and <dir>/index.json instead of printing")
    .action(async (type, options) => {
      exitCode = await (await import("./commands/schema.js")).schemaCommand(openSession, type, options);
    });

  program
    .command("validate")
    .description(
      `Check a block document, or each document of a multi-document YAML file (a $ref among them is resolved within the file). ${DOC_HELP}`,
    )
    .argument("<doc>", "the document")
    .action(
      action(async (session, doc) => (await import("./commands/validate.js")).validateCommand(session, doc)),
    );

  program
    .command("preview")
    .description(
      `Show what would run, secrets masked: a process as shell text, a container as its create settings, a job as its manifest. ${DOC_HELP}`,
    )
    .argument("<doc>", "the document")
    .action(
      action(async (session, doc) => (await import("./commands/preview.js")).previewCommand(session, doc)),
    );

  program
    .command("run")
    .description(
      `Run a block and wait for it; exits with its status code. Its output streams to stdout and stderr; infrablocks' own messages, the identifier among them, go to stderr. ${DOC_HELP}`,
    )
    .argument("<doc>", "the document")
    .option("--json", "stdout carries only JSON events (started, exited); the run's output goes to stderr")
    .option(
      "--run-id <id>",
      "the run's id: 1-63 letters, digits, '.', '_', '-' (default: a new UUID); passed as INFRABLOCKS_RUN_ID and labelled on the infrastructure",
    )
    .addOption(graceOption("seconds Ctrl-C gives the run to stop before it is killed"))
    .action(
      action(async (session, doc, options) =>
        (await import("./commands/run.js")).runCommand(session, doc, options),
      ),
    );

  program
    .command("attach")
    .description(
      `Attach to a live run whose runner died: stream its output (a process's from now on, a container's or job's from the start) and exit with its status code, as 'run' would. ${DOC_HELP}`,
    )
    .argument("<doc>", "the document the run was started from")
    .argument("<run-id>", "the run id 'run' and 'ps' show")
    .option("--json", "stdout carries only JSON events (started, exited); the run's output goes to stderr")
    .addOption(graceOption("seconds Ctrl-C gives the run to stop before it is killed"))
    .action(
      action(async (session, doc, runId, options) =>
        (await import("./commands/run.js")).attachCommand(session, doc, runId, options),
      ),
    );

  program
    .command("ps")
    .description(
      "List the live runs infrablocks started (processes of this machine, containers on DOCKER_HOST, jobs of the default kubeconfig's cluster) and whether their runner is alive.",
    )
    .option(
      "--json",
      "print an array of {runId, type, identifier, startedAt, runner, runnerAlive (true, false, or null: another host)}",
    )
    .action(
      action(async (session, options) => (await import("./commands/runs.js")).psCommand(session, options)),
    );

  program
    .command("sweep")
    .description(
      `End the runs of the block's type within its reach (its Docker endpoint; its cluster and namespace) whose runner has died. ${DOC_HELP}`,
    )
    .argument("<doc>", "a document of the type to sweep")
    .option(
      "--older-than <duration>",
      "only runs started at least this long ago: 90s, 10m, 2h, 1d",
      parseDuration,
    )
    .option("--dry-run", "list the runs that would be ended, ending none")
    .option("--json", "print an array of the runs, each with its outcome")
    .addOption(graceOption("seconds between the polite stop and the forced one"))
    .action(
      action(async (session, doc, options) =>
        (await import("./commands/runs.js")).sweepCommand(session, doc, options),
      ),
    );

  program
    .command("kill")
    .description(
      `Stop a run by the identifier 'run' reported. Exits 3 if it no longer exists, 4 if it is out of this block's reach. ${DOC_HELP}`,
    )
    .argument("<doc>", "the document the run was started from")
    .argument("<identifier>", "e.g. myhost:4242 for a process")
    .addOption(graceOption("seconds between the polite stop and the forced one"))
    .action(
      action(async (session, doc, identifier, options) =>
        (await import("./commands/kill.js")).killCommand(session, doc, identifier, options),
      ),
    );

  program
    .command("save")
    .description(
      `Validate a document and store it under a name; a multi-document YAML file is saved whole (every document valid) or not at all. ${DOC_HELP}`,
    )
    .argument("<doc>", "the document")
    .option(
      "--name <name>",
      "1-63 lowercase letters, digits and dashes; once per document, in order (default: each document's $name)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option("--overwrite", "replace a document saved under the same name")
    .action(
      action(async (session, doc, options) =>
        (await import("./commands/documents.js")).saveCommand(session, doc, options),
      ),
    );

  program
    .command("ls")
    .description("List saved documents.")
    .option("--type <type>", "only this block type")
    .option("--json", "print an array of {slug, name, path, modifiedAt}")
    .action(
      action(async (session, options) =>
        (await import("./commands/documents.js")).lsCommand(session, options),
      ),
    );

  program
    .command("show")
    .description("Print a saved document as YAML, secrets masked.")
    .argument("<slug/name>", "e.g. docker-registry/private")
    .option("--json", "print JSON instead of YAML")
    .option("--reveal", "print secret values instead of masking them")
    .action(
      action(async (session, reference, options) =>
        (await import("./commands/documents.js")).showCommand(session, reference, options),
      ),
    );

  program
    .command("rm")
    .description("Delete a saved document.")
    .argument("<slug/name>", "e.g. process/nightly")
    .option("--force", "delete it even when other saved documents refer to it")
    .action(
      action(async (session, reference, options) =>
        (await import("./commands/documents.js")).rmCommand(session, reference, options),
      ),
    );

  program
    .command("import-prefect")
    .description(
      "Convert Prefect 2 block documents with the import of each installed block type (process, docker-container, docker-registry, kubernetes-job, kubernetes-cluster-config) and print them as one multi-document YAML stream that validate and save read back, secrets masked. Each document keeps its Prefect block name ($name); a nested block (a registry, a cluster config) becomes a document of its own, referred to with $ref, written once. Notes and problems go to stderr; exits 1 when a problem remains, 2 when FILE cannot be read.",
    )
    .argument("<file>", "a Prefect export, JSON or YAML: one block document or a list; '-' for stdin")
    .option(
      "--out <dir>",
      "write <dir>/<slug>.<name>.yaml per document instead (secrets kept; readable by the owner alone)",
    )
    .option(
      "--name <name>",
      "save the valid documents in the store instead, under their Prefect names; NAME names those without one (NAME-2, NAME-3, … for several)",
    )
    .action(
      action(async (session, file, options) =>
        (await import("./commands/import-prefect.js")).importPrefectCommand(session, file, options),
      ),
    );

  program
    .command("ui")
    .description(
      "Serve a web page with a form for every installed block type, on 127.0.0.1; prints the URL and runs until Ctrl-C.",
    )
    .option("--port <port>", "the port to listen on; 0 picks a free one (default 4280)", (value) => {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new InvalidArgumentError("expected a port number from 0 to 65535");
      return port;
    })
    .option("--open", "open the page in the default browser")
    .action(
      action(async (session, options) => (await import("./commands/ui.js")).uiCommand(session, options)),
    );

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return reportFailure(error);
  }
}

function graceOption(description: string): Option {
  return new Option("--grace <seconds>", description).default(30).argParser((value) => {
    const seconds = Number(value);
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new InvalidArgumentError("expected a number of seconds ≥ 0");
    return seconds;
  });
}

const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `2h`, `1d` in milliseconds. */
function parseDuration(value: string): number {
  const match = /^([0-9]+)([smhd])$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError("expected a number and a unit: 90s, 10m, 2h or 1d");
  return Number(match[1]) * (DURATION_UNITS[match[2] as string] as number);
}

async function reportFailure(error: unknown): Promise<number> {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version are not failures.
    return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  }
  const { describeFailure } = await import("./failure.js");
  return describeFailure(error);
}
