// Runs one `infrablocks` command in this process (the built CLI's main) and writes what it cost to
// the file named by the first argument: exit status, wall time and peak RSS growth. The parent points
// its output at files, so that a huge error list does not fill a pipe.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

const [resultFile, ...args] = process.argv.slice(2);
const { main } = await import(resolve(import.meta.dirname, "../../dist/index.cjs"));
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const code = await main(args);
const ms = performance.now() - started;
const peakRss = process.resourceUsage().maxRSS * 1024;
writeFileSync(
  resultFile,
  JSON.stringify({
    code,
    ms,
    rssGrowthMb: (peakRss - rssBefore) / 2 ** 20,
  }),
);
