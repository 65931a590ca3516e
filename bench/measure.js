// Side-by-side timing: each round runs the infrablocks case and its raw counterpart back to back,
// alternating which goes first, so machine noise hits both alike. Ratios are of medians.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs `ours` and `theirs` alternately for `rounds` rounds; each returns nothing or extra detail. */
export async function sideBySide({ rounds = 5, warmup = 1, ours, theirs }) {
  for (let index = 0; index < warmup; index++) {
    await ours();
    await theirs();
  }
  const oursMs = [];
  const theirsMs = [];
  const details = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [ours, theirs] : [theirs, ours];
    for (const task of order) {
      const start = performance.now();
      const detail = await task();
      const elapsed = performance.now() - start;
      (task === ours ? oursMs : theirsMs).push(elapsed);
      if (task === ours && detail !== undefined) details.push(detail);
    }
  }
  const oursMedian = median(oursMs);
  const theirsMedian = median(theirsMs);
  return { ratio: oursMedian / theirsMedian, oursMs: oursMedian, theirsMs: theirsMedian, details };
}

export const round2 = (value) => Math.round(value * 100) / 100;
