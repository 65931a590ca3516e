import { describe, expect, it } from "vitest";
import { LogDeduplicator, timestampNanos } from "./log-timestamps.js";

describe("timestampNanos", () => {
  it("reads RFC 3339 with any fraction and zone", () => {
    expect(timestampNanos("1970-01-01T00:00:01Z")).toBe(1_000_000_000n);
    expect(timestampNanos("1970-01-01T00:00:01.5Z")).toBe(1_500_000_000n);
    expect(timestampNanos("1970-01-01T00:00:01.000000007Z")).toBe(1_000_000_007n);
    expect(timestampNanos("1970-01-01T01:00:01+01:00")).toBe(1_000_000_000n);
    expect(timestampNanos("garbage")).toBeUndefined();
  });
});

describe("LogDeduplicator", () => {
  /** Lines as [timestamp, text]; a resumed stream repeats a tail from a given index. */
  const lines: [string, string][] = [
    ["2024-01-01T00:00:00.1Z", "1"],
    ["2024-01-01T00:00:00.2Z", "2"],
    ["2024-01-01T00:00:00.2Z", "3"],
    ["2024-01-01T00:00:00.3Z", "4"],
    ["2024-01-01T00:00:01Z", "5"],
  ];

  it("writes each line once across resumed streams, whatever the cut", () => {
    for (let cut = 0; cut <= lines.length; cut++) {
      for (const secondGranularity of [false, true]) {
        const dedup = new LogDeduplicator();
        const written: string[] = [];
        dedup.restart();
        for (const [ts, text] of lines.slice(0, cut)) if (dedup.accept(ts)) written.push(text);
        dedup.restart();
        // The server resends from sinceTime: exactly, or from the start of that second.
        const since = dedup.sinceTime;
        const resent = lines.filter(([ts]) => {
          if (since === undefined) return true;
          const at = timestampNanos(ts) as bigint;
          const from = timestampNanos(since) as bigint;
          return secondGranularity ? at >= (from / 1_000_000_000n) * 1_000_000_000n : at >= from;
        });
        for (const [ts, text] of resent) if (dedup.accept(ts)) written.push(text);
        expect(written).toEqual(["1", "2", "3", "4", "5"]);
      }
    }
  });
});
