import type { CommandSpec } from "./command-table.js";

const DOC_HELP =
  "DOC is a path to a JSON or YAML file, '-' for standard input, or <slug>/<name> of a saved document (a file of that path wins).";

const ENVIRONMENT_HELP = `Environment:
  INFRABLOCKS_HOME   where saved documents and run records live (default ~/.infrablocks)
  INFRABLOCKS_DEBUG  1 prints the stack trace of a failure
  INFRABLOCKS_*      any other is passed to every infrastructure (a block's env overrides it)
  DOCKER_HOST        the Docker engine, as the docker CLI reaches it
  DOCKER_CONTEXT     the Docker context when DOCKER_HOST is unset (else the config's current one)
  KUBECONFIG         the kubeconfig of a job without clusterConfig (default ~/.kube/config)`;

// CONTRACT.md's exit statuses, in its words.
const EXIT_STATUS_HELP = `Exit status:
  0      success
  0-255  run: the infrastructure's status code; 128+N for a process ended by signal N;
         1 for any other status code
  2      bad usage or an invalid document (the message names the field path); a DOC file
         that does not exist, a malformed identifier or an empty command
  3      kill: the infrastructure is not found; show, rm, a DOC or a $ref: the saved
         document does not exist
  4      kill: the infrastructure is not reachable from here (another host, daemon,
         cluster, or a namespace other than the block's)
  127    a process's executable cannot be found
  1      any other failure, such as saving over an existing name without --overwrite`;

const TOP_LEVEL_EXAMPLES = [
  "infrablocks types",
  "infrablocks validate hello-process.yaml",
  "infrablocks run hello-process.yaml",
  "infrablocks save hello-process.yaml --name hello && infrablocks run process/hello",
  "infrablocks ps",
];

/** What `infrablocks --help` shows after the command list. */
export function topLevelHelp(): string {
  return `
${DOC_HELP}

Examples:
${examples(TOP_LEVEL_EXAMPLES)}

${ENVIRONMENT_HELP}

${EXIT_STATUS_HELP}

Run 'infrablocks <command> --help' for a command's options and examples.`;
}

/** What a command's `--help` shows after its options. */
export function commandHelp(spec: CommandSpec): string {
  return `${spec.takesDoc ? `\n${DOC_HELP}\n` : ""}
Examples:
${examples(spec.examples)}`;
}

function examples(lines: readonly string[]): string {
  return lines.map((line) => `  $ ${line}`).join("\n");
}
