import { type CommandSpec, COMMANDS, type OptionSpec } from "./command-table.js";

/** A command line read without commander: the command, then the values its `run` takes after the session. */
export interface ParsedCommandLine {
  spec: CommandSpec;
  params: unknown[];
}

/**
 * Reads a well-formed command line (a known command, its arguments, its long options) as commander
 * would, so that a command starts without loading commander. Anything else (help, --version, short or
 * unknown options, `--`, a missing or extra argument, a value an option refuses) gives undefined:
 * commander then reads the line, printing the help or the usage error.
 */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine | undefined {
  const spec = COMMANDS.find((candidate) => candidate.name === argv[0]);
  if (!spec) return undefined;
  const positional: string[] = [];
  const options: Record<string, unknown> = {};
  const given = new Set<OptionSpec>();
  for (let index = 1; index < argv.length; index++) {
    const token = argv[index] as string;
    if (token === "-" || !token.startsWith("-")) {
      positional.push(token);
      continue;
    }
    const option = token.startsWith("--")
      ? spec.options?.find((candidate) => longName(candidate) === token)
      : undefined;
    if (!option) return undefined;
    const key = attributeName(option);
    if (!option.flags.includes(" <")) {
      options[key] = true;
      continue;
    }
    const value = argv[++index];
    if (value === undefined || (value.startsWith("-") && value !== "-")) return undefined;
    try {
      options[key] = option.parse ? option.parse(value, given.has(option) ? options[key] : undefined) : value;
    } catch {
      return undefined;
    }
    given.add(option);
  }
  const declared = spec.arguments ?? [];
  const required = declared.filter(([name]) => name.startsWith("<")).length;
  if (positional.length < required || positional.length > declared.length) return undefined;
  for (const option of spec.options ?? []) {
    const key = attributeName(option);
    if (option.default !== undefined && !(key in options)) options[key] = option.default;
  }
  const values = declared.map((_, index) => positional[index]);
  return { spec, params: [...values, options] };
}

/** `--out <dir>` → `--out`. */
export function longName(option: OptionSpec): string {
  return option.flags.split(" ")[0] as string;
}

/** The key commander gives an option's value: `--run-id` → `runId`. */
function attributeName(option: OptionSpec): string {
  return longName(option)
    .slice(2)
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
