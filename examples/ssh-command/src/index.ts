import { sshCommandBlockType } from "./ssh-command-block.js";

export { type SshCommandBlock, type SshCommandBlockInput, sshCommandBlockType } from "./ssh-command-block.js";

/**
 * The block types this package defines: the CLI finds them through package.json's `infrablocks` field.
 * Typed by name so that the published .d.ts names zod only through core's `z` (zod is not a dependency).
 */
export const blockTypes: readonly [typeof sshCommandBlockType] = [sshCommandBlockType];
