import {
  type Infrastructure,
  InfrablocksError,
  isInfrablocksError,
  loadInfrastructure,
  RUN_INFRASTRUCTURE,
  type RunInfo,
  type RunnerAlive,
} from "@infrablocks/core/runtime";
import type { Session } from "../session.js";
import { table } from "../table.js";

/** `ps`: the live runs of every installed type that tracks runs, on the default engine and cluster. */
export async function psCommand(session: Session, options: { json?: boolean }): Promise<number> {
  // In parallel: each driver loads its SDK and asks its engine or cluster, and none waits for another.
  const listings = await Promise.all(
    session.registry.slugs().map(async (slug): Promise<RunInfo[]> => {
      const blockType = await session.registry.get(slug);
      if (!blockType.capabilities.includes(RUN_INFRASTRUCTURE)) return [];
      try {
        const infrastructure = await loadInfrastructure(blockType);
        return (await infrastructure.listRuns?.(undefined, session.driverContext(slug))) ?? [];
      } catch (error) {
        // An engine or cluster that is configured but fails is worth a word; ps itself has not failed.
        session.writeErr(`note: ${slug} runs are not listed: ${(error as Error).message}`);
        return [];
      }
    }),
  );
  const runs = listings.flat();
  runs.sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? ""));
  if (options.json) {
    session.writeOut(JSON.stringify(runs.map(jsonRun), null, 2));
  } else if (runs.length === 0) {
    session.writeErr("No live runs.");
  } else {
    session.writeOut(
      table(
        ["RUN ID", "TYPE", "IDENTIFIER", "STARTED", "RUNNER ALIVE"],
        runs.map((run) => [run.runId, run.type, run.identifier, run.startedAt ?? "", run.runnerAlive]),
      ),
    );
  }
  return 0;
}

/**
 * `sweep`: ends the runs of the block's type within its reach whose runner is gone (`no`; a runner
 * on another host is `unknown` and left alone), optionally only those older than a duration.
 */
export async function sweepCommand(
  session: Session,
  source: string,
  options: { olderThan?: number; dryRun?: boolean; grace: number; json?: boolean },
): Promise<number> {
  const block = await session.loadBlock(source, "sweep");
  const infrastructure: Infrastructure<unknown> = await loadInfrastructure(block.blockType);
  if (!infrastructure.listRuns) {
    throw new InfrablocksError(
      "CAPABILITY_UNSUPPORTED",
      `'${block.blockType.slug}' blocks cannot be swept: their driver does not track runs.`,
    );
  }
  const now = Date.now();
  const orphans = (
    await infrastructure.listRuns(block.config, session.driverContext(block.blockType.slug))
  ).filter(
    (run) =>
      run.runnerAlive === "no" &&
      (options.olderThan === undefined ||
        (run.startedAt !== undefined && now - Date.parse(run.startedAt) >= options.olderThan)),
  );
  let failed = false;
  // In parallel, so that a sweep takes one grace period, not one per run.
  const outcomes = await Promise.all(
    orphans.map(async (run): Promise<"ended" | "gone" | "failed" | "listed"> => {
      if (options.dryRun) return "listed";
      try {
        await infrastructure.kill(block.config, run.identifier, {
          ...session.driverContext(block.blockType.slug),
          graceSeconds: options.grace,
        });
        return "ended";
      } catch (error) {
        if (isInfrablocksError(error, "INFRASTRUCTURE_NOT_FOUND")) return "gone";
        failed = true;
        session.log.error(
          `Could not end run '${run.runId}' (${run.identifier}): ${(error as Error).message}`,
        );
        return "failed";
      }
    }),
  );
  if (options.json) {
    session.writeOut(
      JSON.stringify(
        orphans.map((run, index) => ({ ...jsonRun(run), outcome: outcomes[index] as string })),
        null,
        2,
      ),
    );
  } else if (orphans.length === 0) {
    session.writeErr(`No orphaned ${block.blockType.slug} runs to end.`);
  } else {
    const verbs = { listed: "would end", ended: "ended", gone: "already gone", failed: "failed to end" };
    for (const [index, run] of orphans.entries()) {
      session.writeOut(
        `${verbs[outcomes[index] as keyof typeof verbs]}: ${run.type} ${run.identifier} (run ${run.runId}, started ${run.startedAt ?? "at an unknown time"})`,
      );
    }
  }
  return failed ? 1 : 0;
}

const ALIVE: Record<RunnerAlive, boolean | null> = { yes: true, no: false, unknown: null };

/** A run in --json output: `runnerAlive` is true, false, or null when the runner is on another host. */
function jsonRun(run: RunInfo): Record<string, unknown> {
  return { ...run, runnerAlive: ALIVE[run.runnerAlive] };
}
