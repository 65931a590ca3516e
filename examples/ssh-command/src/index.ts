import { sshCommandBlockType } from "./ssh-command-block.js";

export { type SshCommandBlock, type SshCommandBlockInput, sshCommandBlockType } from "./ssh-command-block.js";

/** The block types this package defines: the CLI finds them through package.json's `infrablocks` field. */
export const blockTypes = [sshCommandBlockType] as const;
