/**
 * Other tools' names for fields infrablocks names otherwise, by folded name: Docker's `--workdir` and
 * `Cmd`, Compose's `environment`, Python's `cwd` and `os.environ`.
 */
const PEER_NAMES: Readonly<Record<string, string>> = {
  workdir: "workingDir",
  cwd: "workingDir",
  environment: "env",
  environ: "env",
  cmd: "command",
};

/**
 * The candidate a mistyped name most likely meant, for "did you mean" hints: the one that differs only in
 * case, `_` and `-` (Prefect's `stream_output` for `streamOutput`), another tool's name for it (`workdir`),
 * or else the nearest within a few edits (`comand`). Undefined when none is close or two are equally
 * close: a wrong guess misleads more than none.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const folded = fold(name);
  const sameWord = candidates.filter((candidate) => fold(candidate) === folded);
  if (sameWord.length > 0) return sameWord.length === 1 ? sameWord[0] : undefined;
  const peerName = Object.hasOwn(PEER_NAMES, folded) ? PEER_NAMES[folded] : undefined;
  if (peerName && candidates.includes(peerName)) return peerName;
  // No edit for names under five characters (`cpus` is docker's flag, not a typo of `gpus`), one up to
  // seven, two from eight on.
  const allowed = name.length < 5 ? 0 : name.length < 8 ? 1 : 2;
  if (allowed === 0) return undefined;
  let best: string | undefined;
  let bestDistance = allowed + 1;
  let tied = false;
  for (const candidate of candidates) {
    const distance = editDistance(folded, fold(candidate), allowed);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tied = false;
    } else if (distance === bestDistance) tied = true;
  }
  return best !== undefined && !tied ? best : undefined;
}

function fold(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, "");
}

/**
 * Optimal string alignment distance (insertions, deletions, substitutions and swaps of neighbours), or
 * `limit + 1` once it must exceed `limit`.
 */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforeLast: number[] = [];
  let last = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(
        (last[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (last[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, (beforeLast[j - 2] as number) + 1);
      }
      row.push(distance);
      rowMinimum = Math.min(rowMinimum, distance);
    }
    if (rowMinimum > limit) return limit + 1;
    beforeLast = last;
    last = row;
  }
  return Math.min(last[b.length] as number, limit + 1);
}
