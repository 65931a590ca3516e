/**
 * When the reader of stdout goes away (`infrablocks schema | head`), the command ends quietly with
 * 141, as a Unix tool killed by SIGPIPE does, instead of crashing on the write's EPIPE. `run` and
 * `attach` take this over to stop their run first (commands/run.ts).
 */
export function endWhenStdoutGone(error: NodeJS.ErrnoException): void {
  if (error.code !== "EPIPE") throw error;
  process.exit(141);
}
