import { dockerAvailable, ensureBusyboxImage } from "@infrablocks/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshHome } from "./cli-support.js";
import {
  checkOrphanLifecycle,
  dockerApi,
  EXIT_STATUS,
  LINES,
  tickingCommand,
  writeDocument,
} from "./runs-support.js";

const RUN_ID_LABEL = "io.infrablocks.run-id";
const PREFIX = `docker-${process.pid}`;

describe.runIf(await dockerAvailable())("docker-container runs whose runner died", () => {
  let image: string;
  beforeAll(async () => {
    image = await ensureBusyboxImage();
  }, 120_000);
  afterAll(async () => {
    // The swept container is stopped, not removed: its block does not remove containers.
    for (const suffix of ["attached", "swept"]) {
      const filters = encodeURIComponent(JSON.stringify({ label: [`${RUN_ID_LABEL}=${PREFIX}-${suffix}`] }));
      const { body } = await dockerApi("GET", `/containers/json?all=true&filters=${filters}`);
      for (const { Id } of body as { Id: string }[])
        await dockerApi("DELETE", `/containers/${Id}?force=true`);
    }
  });

  it("are listed by ps, attached to (output from the start), and swept", async () => {
    const home = await freshHome();
    const block = { type: "docker-container", image, imagePullPolicy: "Never" };
    const doc = await writeDocument(home, "ticking", {
      ...block,
      autoRemove: true,
      command: tickingCommand(LINES, EXIT_STATUS),
    });
    const longDoc = await writeDocument(home, "long", { ...block, command: tickingCommand(300, 0) });
    await checkOrphanLifecycle({
      type: "docker-container",
      doc,
      longDoc,
      options: { home },
      prefix: PREFIX,
      fromStart: true,
      checkOutside: async (run) => {
        const id = run.identifier.slice(run.identifier.lastIndexOf(":") + 1);
        const { body } = await dockerApi("GET", `/containers/${id}/json`);
        const labels = (body as { Config: { Labels: Record<string, string> } }).Config.Labels;
        expect(labels[RUN_ID_LABEL]).toBe(run.runId);
        expect(labels["io.infrablocks.runner"]).toBe(run.runner);
      },
    });
    // attach removed the autoRemove container, as the dead runner would have.
    const filters = encodeURIComponent(JSON.stringify({ label: [`${RUN_ID_LABEL}=${PREFIX}-attached`] }));
    expect((await dockerApi("GET", `/containers/json?all=true&filters=${filters}`)).body).toEqual([]);
  }, 240_000);
});
