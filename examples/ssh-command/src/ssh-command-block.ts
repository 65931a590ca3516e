// The block type: fields, metadata and a lazy pointer to the runtime. This module imports zod (through
// @infrablocks/core) and nothing else, so listing types, validating and exporting schemas stay cheap.
import {
  type BlockConfig,
  type BlockInput,
  defineBlockType,
  type Infrastructure,
  infrastructureFields,
  RUN_INFRASTRUCTURE,
  secret,
  z,
} from "@infrablocks/core";
import packageJson from "../package.json" with { type: "json" };
import validate from "./validators/ssh-command.js";

export const SSH_COMMAND = "ssh-command";

const sshCommandFields = {
  ...infrastructureFields,
  // The remote shell sets these with `export NAME=value`, so a name must be a shell identifier.
  env: z
    .record(
      z
        .string()
        .regex(
          /^[A-Za-z_][A-Za-z0-9_]*$/,
          "a remote variable name is letters, digits and underscores, not starting with a digit",
        ),
      z.string().nullable(),
    )
    .default({})
    .meta({
      title: "Environment",
      description:
        "Environment variables to set for the remote command. They override the caller's INFRABLOCKS_* variables; null unsets a variable the remote login would set.",
    }),
  host: z
    .string()
    .min(1)
    .meta({ description: "The host to run the command on: a DNS name or an IP address." }),
  port: z.number().int().min(1).max(65535).default(22).meta({ description: "The SSH server's TCP port." }),
  user: z.string().min(1).meta({ description: "The user to log in as." }),
  privateKey: secret(z.string().min(1), {
    title: "Private Key",
    description:
      "The text of the user's private key file (OpenSSH or PEM format). Give privateKey, password, or both.",
  }).optional(),
  passphrase: secret(z.string().min(1), {
    description: "The passphrase that decrypts privateKey, when it is encrypted.",
  }).optional(),
  password: secret(z.string().min(1), {
    description: "The user's password, for servers that allow password logins.",
  }).optional(),
  knownHosts: z.string().min(1).optional().meta({
    title: "Known Hosts",
    description:
      "The text of a known_hosts file holding the host's key (e.g. the output of `ssh-keyscan -p PORT HOST`). Unset: ~/.ssh/known_hosts of the user running infrablocks.",
  }),
  strictHostKeyChecking: z.boolean().default(true).meta({
    title: "Strict Host Key Checking",
    description:
      "Refuse a host whose key is not in knownHosts. Turning it off trusts whatever answers at host:port, which lets a machine in the middle read the credentials.",
  }),
  connectTimeoutSeconds: z.number().positive().default(20).meta({
    title: "Connect Timeout Seconds",
    description: "How long connecting and logging in may take.",
  }),
};

export type SshCommandBlock = BlockConfig<typeof SSH_COMMAND, typeof sshCommandFields>;

/** The `ssh-command` block: a command run on a remote host over SSH. */
export const sshCommandBlockType = defineBlockType({
  slug: SSH_COMMAND,
  title: "SSH Command",
  description:
    "Runs a command on a remote host over SSH, as the given user, with the host's key checked against known_hosts.",
  capabilities: [RUN_INFRASTRUCTURE],
  version: packageJson.version,
  package: packageJson.name,
  fields: sshCommandFields,
  validate,
  // ssh2 and its crypto load only when a block of this type runs, previews or kills.
  loadInfrastructure: async (): Promise<Infrastructure<SshCommandBlock>> =>
    (await import("./ssh-command-runtime.js")).sshCommandInfrastructure,
});

/** A `ssh-command` document as written in TypeScript: defaulted fields (and `type`) optional. */
export type SshCommandBlockInput = BlockInput<typeof sshCommandBlockType>;
