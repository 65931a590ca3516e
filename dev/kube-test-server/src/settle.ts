/** Tracks background promises so shutdown can wait for every one of them to settle. */
export function trackedWork(): { add(p: Promise<unknown>): void; settled(): Promise<void> } {
  const pending = new Set<Promise<unknown>>();
  return {
    add(p) {
      const tracked = p.catch(() => undefined).finally(() => pending.delete(tracked));
      pending.add(tracked);
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
