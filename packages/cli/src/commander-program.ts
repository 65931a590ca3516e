import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import packageJson from "../package.json" with { type: "json" };
import { COMMANDS, type CommandSpec, type OptionSpec, OptionValueError } from "./command-table.js";
import { USAGE_EXIT_CODE } from "./exit-codes.js";
import { commandHelp, topLevelHelp } from "./help.js";
import { writeStderr, writeStdout } from "./stdio.js";

/**
 * The command line read by commander: help, --version and usage errors, worded by it. `run` is called
 * with the command's spec and its values when the line names a command.
 */
export async function parseWithCommander(
  argv: readonly string[],
  run: (spec: CommandSpec, params: unknown[]) => Promise<number>,
): Promise<number | CommanderError> {
  let exitCode = 0;
  const program = new Command("infrablocks")
    .description(
      "Describe work as typed blocks and run it as a local process, a Docker container or a Kubernetes Job.",
    )
    .version(packageJson.version)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: writeStdout, writeErr: writeStderr })
    .addHelpText("after", topLevelHelp());

  for (const spec of COMMANDS) {
    addCommand(program, spec).action(async (...params: unknown[]) => {
      // Commander passes the arguments, then the options, then the command itself.
      exitCode = await run(spec, params.slice(0, -1));
    });
  }

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Commander has already printed its message; help and version are not failures.
    return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
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
  for (const option of spec.options ?? []) command.addOption(commanderOption(option));
  return command;
}

function commanderOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.default !== undefined) option.default(spec.default);
  const parse = spec.parse;
  if (parse) {
    option.argParser((value: string, previous: unknown) => {
      try {
        return parse(value, previous);
      } catch (error) {
        if (error instanceof OptionValueError) throw new InvalidArgumentError(error.message);
        throw error;
      }
    });
  }
  return option;
}
