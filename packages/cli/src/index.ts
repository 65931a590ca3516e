import type { CommandSpec, OpenSession } from "./command-table.js";
import { parseCommandLine } from "./command-line.js";
import type { Session } from "./session.js";

// Commands, core and drivers are imported only when a command runs, and commander only for help and
// usage errors, so that a command starts with little more than Node's own start-up.

/** Runs the `infrablocks` command line and resolves to its exit status. */
export async function main(argv: string[]): Promise<number> {
  let opened: Promise<Session> | undefined;
  const openSession: OpenSession = () => {
    opened ??= import("./session.js").then((module) => new module.Session());
    return opened;
  };
  const run = (spec: CommandSpec, params: unknown[]) =>
    (spec.run as (open: OpenSession, ...values: unknown[]) => Promise<number>)(openSession, ...params);
  try {
    const parsed = parseCommandLine(argv);
    if (parsed) return await run(parsed.spec, parsed.params);
    return (await (await import("./commander-program.js")).parseWithCommander(argv, run)) as number;
  } catch (error) {
    const { describeFailure } = await import("./failure.js");
    return describeFailure(error);
  }
}
