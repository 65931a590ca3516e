import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";

/**
 * The pids descending from `root`, read from /proc at this moment. Signalling the process group
 * covers children that stay in it; this also reaches those that moved to a group of their own.
 * Empty where /proc is absent.
 */
export async function descendantPids(root: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch {
    return [];
  }
  await Promise.all(
    entries
      .filter((entry) => /^[0-9]+$/.test(entry))
      .map(async (entry) => {
        const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
        // The command name is in parentheses and may hold spaces; the parent pid is the 2nd field after it.
        const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (Number.isInteger(parent)) {
          const siblings = parents.get(parent) ?? [];
          siblings.push(Number(entry));
          parents.set(parent, siblings);
        }
      }),
  );
  const found: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    for (const child of parents.get(pending.pop() as number) ?? []) {
      found.push(child);
      pending.push(child);
    }
  }
  return found;
}

/**
 * The process group `kill` signals for `pid`: its own when it leads one (a bare run), else its
 * parent's when the parent leads it (a supervised run's supervisor). Never a group it merely shares with
 * others (a pid that is not a run's would take the caller's shell with it).
 */
export function processGroupOf(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return pid;
  }
  const [, parent, group] = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  return group !== undefined && group === parent ? group : pid;
}
