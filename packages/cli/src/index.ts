import { isInfrablocksError } from "@infrablocks/core";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { lsCommand, rmCommand, saveCommand, showCommand, UsageError } from "./commands/documents.js";
import { killCommand } from "./commands/kill.js";
import { previewCommand } from "./commands/preview.js";
import { runCommand } from "./commands/run.js";
import { schemaCommand } from "./commands/schema.js";
import { typesCommand } from "./commands/types.js";
import { validateCommand } from "./commands/validate.js";
import { exitCodeFor, USAGE_EXIT_CODE } from "./exit-codes.js";
import { Session } from "./session.js";

const DOC_HELP = "DOC is a JSON or YAML file, '-' for stdin, or <slug>/<name> of a saved document.";

/** Runs the `infrablocks` command line and resolves to its exit status. */
export async function main(argv: string[]): Promise<number> {
  const session = new Session();
  let exitCode = 0;
  const action =
    <A extends unknown[]>(command: (...args: A) => Promise<number>) =>
    async (...args: A) => {
      exitCode = await command(...args);
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
    .action(action((options) => typesCommand(session, options)));

  program
    .command("schema")
    .description("Print the JSON schema of one block type, or of all as an object keyed by slug.")
    .argument("[type]", "a block type slug, e.g. docker-container")
    .option("--out <dir>", "write <dir>/<slug>.json for each type and <dir>/index.json instead of printing")
    .action(action((type, options) => schemaCommand(session, type, options)));

  program
    .command("validate")
    .description(`Check a block document. ${DOC_HELP}`)
    .argument("<doc>", "the document")
    .action(action((doc) => validateCommand(session, doc)));

  program
    .command("preview")
    .description(
      `Show what would run, secrets masked: a process as shell text, a container as its create settings, a job as its manifest. ${DOC_HELP}`,
    )
    .argument("<doc>", "the document")
    .action(action((doc) => previewCommand(session, doc)));

  program
    .command("run")
    .description(
      `Run a block and wait for it; exits with its status code. Its output streams to stdout and stderr; infrablocks' own messages, the identifier among them, go to stderr. ${DOC_HELP}`,
    )
    .argument("<doc>", "the document")
    .option("--json", "stdout carries only JSON events (started, exited); the run's output goes to stderr")
    .addOption(graceOption("seconds Ctrl-C gives the run to stop before it is killed"))
    .action(action((doc, options) => runCommand(session, doc, options)));

  program
    .command("kill")
    .description(
      `Stop a run by the identifier 'run' reported. Exits 3 if it no longer exists, 4 if it is out of this block's reach. ${DOC_HELP}`,
    )
    .argument("<doc>", "the document the run was started from")
    .argument("<identifier>", "e.g. myhost:4242 for a process")
    .addOption(graceOption("seconds between the polite stop and the forced one"))
    .action(action((doc, identifier, options) => killCommand(session, doc, identifier, options)));

  program
    .command("save")
    .description(`Validate a document and store it under a name. ${DOC_HELP}`)
    .argument("<doc>", "the document")
    .requiredOption("--name <name>", "1-63 lowercase letters, digits and dashes")
    .option("--overwrite", "replace a document saved under the same name")
    .action(action((doc, options) => saveCommand(session, doc, options)));

  program
    .command("ls")
    .description("List saved documents.")
    .option("--type <type>", "only this block type")
    .option("--json", "print an array of {slug, name, path, modifiedAt}")
    .action(action((options) => lsCommand(session, options)));

  program
    .command("show")
    .description("Print a saved document as YAML, secrets masked.")
    .argument("<slug/name>", "e.g. docker-registry/private")
    .option("--json", "print JSON instead of YAML")
    .option("--reveal", "print secret values instead of masking them")
    .action(action((reference, options) => showCommand(session, reference, options)));

  program
    .command("rm")
    .description("Delete a saved document.")
    .argument("<slug/name>", "e.g. process/nightly")
    .action(action((reference) => rmCommand(session, reference)));

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return reportFailure(session, error);
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

function reportFailure(session: Session, error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version are not failures.
    return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  }
  if (process.env.INFRABLOCKS_DEBUG === "1") session.writeErr(String((error as Error).stack ?? error));
  if (error instanceof UsageError) {
    session.log.error(error.message);
    return USAGE_EXIT_CODE;
  }
  if (isInfrablocksError(error)) {
    session.log.error(error.message);
    return exitCodeFor(error.code);
  }
  session.log.error(
    `${(error as Error).message ?? String(error)} (set INFRABLOCKS_DEBUG=1 for the stack trace)`,
  );
  return 1;
}
