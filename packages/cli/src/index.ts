import { Argument, Command, CommanderError } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { COMMANDS, type CommandSpec, type OpenSession } from "./command-table.js";
import { USAGE_EXIT_CODE } from "./exit-codes.js";
import { commandHelp, topLevelHelp } from "./help.js";
import type { Session } from "./session.js";
import { endWhenStdoutGone } from "./stdout-gone.js";

// Commands, core and drivers are imported only when a command runs, so `--help` and `schema` start fast.

/** Runs the `infrablocks` command line and resolves to its exit status. */
export async function main(argv: string[]): Promise<number> {
  process.stdout.on("error", endWhenStdoutGone);
  let opened: Promise<Session> | undefined;
  const openSession: OpenSession = () => {
    opened ??= import("./session.js").then((module) => new module.Session());
    return opened;
  };
  let exitCode = 0;

  const program = new Command("infrablocks")
    .description(
      "Describe work as typed blocks and run it as a local process, a Docker container or a Kubernetes Job.",
    )
    .version(packageJson.version)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .addHelpText("after", topLevelHelp());

  for (const spec of COMMANDS) {
    addCommand(program, spec).action(async (...params: unknown[]) => {
      // Commander passes the arguments, then the options, then the command itself.
      const run = spec.run as (open: OpenSession, ...values: unknown[]) => Promise<number>;
      exitCode = await run(openSession, ...params.slice(0, -1));
    });
  }

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return reportFailure(error);
  }
}

function addCommand(program: Command, spec: CommandSpec): Command {
  const command = program
    .command(spec.name)
    .summary(spec.summary)
    .description(spec.details ? `${spec.summary}\n\n${spec.details}` : spec.summary)
    .addHelpText("after", commandHelp(spec));
  for (const [name, description] of spec.arguments ?? [])
    command.addArgument(new Argument(name, description));
  for (const option of spec.options ?? []) command.addOption(option);
  return command;
}

async function reportFailure(error: unknown): Promise<number> {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version are not failures.
    return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
  }
  const { describeFailure } = await import("./failure.js");
  return describeFailure(error);
}
