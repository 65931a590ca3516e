import { readdirSync, readFileSync } from "node:fs";

/**
 * The pids descending from `root`, read from /proc at this moment. Signalling the process group
 * covers children that stay in it; this also reaches those that moved to a group of their own.
 * Empty where /proc is absent.
 */
export function descendantPids(root: number): number[] {
  const parents = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    const stat = statLine(entry) ?? "";
    // The command name is in parentheses and may hold spaces; the parent pid is the 2nd field after it.
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (Number.isInteger(parent)) {
      const siblings = parents.get(parent) ?? [];
      siblings.push(Number(entry));
      parents.set(parent, siblings);
    }
  }
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
 * A process's parent and process group (fields 4 and 5 of /proc/<pid>/stat), or undefined when
 * there is no such process or no /proc.
 */
export function processLinks(pid: number): { parent: number; group: number } | undefined {
  const stat = statLine(pid);
  if (stat === undefined) return undefined;
  const [, parent, group] = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .map(Number);
  return Number.isInteger(parent) && Number.isInteger(group)
    ? { parent: parent as number, group: group as number }
    : undefined;
}

/** Whether /proc tells of processes (Linux); elsewhere parents, groups and start times are unknown. */
export function hasProcfs(): boolean {
  return processLinks(process.pid) !== undefined;
}

/** The pids `pid` descends from, its parent first, up to init; empty where /proc is absent. */
export function ancestorPids(pid: number): number[] {
  const found: number[] = [];
  // A pid seen twice (reused while the chain was read) ends the walk rather than looping.
  for (let links = processLinks(pid); links && links.parent > 0; links = processLinks(links.parent)) {
    if (found.includes(links.parent)) break;
    found.push(links.parent);
  }
  return found;
}

/** /proc/<pid>/stat, read in place (a file of memory: no thread pool round trip); none when the process is gone. */
function statLine(pid: number | string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
}
