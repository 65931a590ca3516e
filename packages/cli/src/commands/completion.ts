import { COMMANDS, type OptionSpec } from "../command-table.js";
import { longName } from "../command-line.js";
import { writeStdout } from "../stdio.js";
import { UsageError } from "./documents.js";

const SHELLS = ["bash", "zsh"] as const;

/** `completion bash|zsh`: prints a script completing the commands and their options, made from the command table. */
export async function completionCommand(shell: string): Promise<number> {
  if (shell === "bash") writeStdout(bashScript());
  else if (shell === "zsh") writeStdout(zshScript());
  else throw new UsageError(`No completion for shell '${shell}': choose one of ${SHELLS.join(", ")}.`);
  return 0;
}

function longFlags(options: readonly OptionSpec[] = []): string[] {
  return [...options.map(longName), "--help"];
}

function bashScript(): string {
  const cases = COMMANDS.map(
    (spec) => `    ${spec.name}) options="${longFlags(spec.options).join(" ")}" ;;`,
  ).join("\n");
  return `# infrablocks completion for bash. Load it with: source <(infrablocks completion bash)
_infrablocks() {
  local current=\${COMP_WORDS[COMP_CWORD]}
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${COMMANDS.map((spec) => spec.name).join(" ")} help --help --version" -- "$current"))
    return
  fi
  local options=""
  case \${COMP_WORDS[1]} in
${cases}
  esac
  # Arguments are files or saved documents: with no reply, bash completes file names.
  if [[ $current == -* ]]; then COMPREPLY=($(compgen -W "$options" -- "$current")); fi
}
complete -o default -F _infrablocks infrablocks
`;
}

function zshScript(): string {
  const quote = (text: string) => text.replaceAll("'", "'\\''");
  const describe = (text: string) =>
    quote(text.replaceAll("[", "(").replaceAll("]", ")").replaceAll(":", "\\:"));
  const commands = COMMANDS.map((spec) => `    '${spec.name}:${describe(spec.summary)}'`).join("\n");
  const cases = COMMANDS.map((spec) => {
    const options = (spec.options ?? []).map(
      (option) =>
        `'${longName(option)}[${describe(option.description)}]${option.flags.includes(" <") ? ":value:_files" : ""}'`,
    );
    return `    ${spec.name}) _arguments ${[...options, "'--help[display help]'", "'*:file:_files'"].join(" ")} ;;`;
  }).join("\n");
  return `#compdef infrablocks
# infrablocks completion for zsh. Load it with: source <(infrablocks completion zsh)
_infrablocks() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  words=(\${words[2,-1]})
  (( CURRENT-- ))
  case $words[1] in
${cases}
  esac
}
compdef _infrablocks infrablocks
`;
}
