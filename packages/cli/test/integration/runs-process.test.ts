import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { freshHome } from "./cli-support.js";
import { checkOrphanLifecycle, EXIT_STATUS, LINES, tickingCommand, writeDocument } from "./runs-support.js";

describe("process runs whose runner died", () => {
  it("are listed by ps, attached to, and swept", async () => {
    const home = await freshHome();
    const doc = await writeDocument(home, "ticking", {
      type: "process",
      command: tickingCommand(LINES, EXIT_STATUS),
    });
    const longDoc = await writeDocument(home, "long", { type: "process", command: tickingCommand(300, 0) });
    await checkOrphanLifecycle({
      type: "process",
      doc,
      longDoc,
      options: { home },
      prefix: "process",
      fromStart: false,
      // From outside: the supervised process's environment, as the kernel holds it.
      checkOutside: async (run) => {
        const pid = run.identifier.slice(run.identifier.lastIndexOf(":") + 1);
        expect(run.identifier).toBe(`${hostname()}:${pid}`);
        const environ = (await readFile(`/proc/${pid}/environ`, "utf8")).split("\0");
        expect(environ).toContain(`INFRABLOCKS_RUN_ID=${run.runId}`);
        expect(environ.some((entry) => entry.startsWith("INFRABLOCKS_HOME="))).toBe(false);
        // The identifier's pid is the command's own, not its supervisor's.
        const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
        expect(cmdline.split("\0").slice(0, 3)).toEqual(tickingCommand(LINES, EXIT_STATUS));
      },
    });
  }, 180_000);
});
