// Runs one `infrablocks` command in this process (the built CLI's main) and writes what it cost to
// the file named by the first argument: exit status, wall time and peak RSS growth. Its own output
// goes to /dev/null-like sinks so that a huge error list does not fill the parent's pipes.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";

const [resultFile, ...args] = process.argv.slice(2);
const { main } = await import(resolve(import.meta.dirname, "../../dist/index.cjs"));
let stdoutBytes = 0;
let stderrBytes = 0;
let stderrHead = "";
process.stdout.write = (chunk) => {
  stdoutBytes += Buffer.byteLength(chunk);
  return true;
};
process.stderr.write = (chunk) => {
  stderrBytes += Buffer.byteLength(chunk);
  if (stderrHead.length < 4000) stderrHead += String(chunk).slice(0, 4000);
  return true;
};
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
    stdoutBytes,
    stderrBytes,
    stderrHead,
  }),
);
