import { importFromPrefect } from "@infrablocks/testkit";
import { describe, expect, it } from "vitest";
import { processBlockType } from "./process-block.js";

describe("process: Prefect import", () => {
  it("maps Process(...).dict(): snake_case fields, nulls left out, PREFECT_* env kept with a note", async () => {
    const outcome = await importFromPrefect(processBlockType, {
      type: "process",
      env: { PREFECT_API_URL: "http://127.0.0.1:4200/api", LOG_LEVEL: "debug", PYTHONPATH: null },
      labels: { team: "data" },
      name: "nightly-etl",
      command: ["python", "-m", "etl.nightly"],
      stream_output: true,
      working_dir: "/srv/etl",
      block_type_slug: "process",
      _block_document_id: "b1c0a2d4-0000-4000-8000-000000000009",
    });
    expect(outcome).toEqual({
      document: {
        type: "process",
        env: { PREFECT_API_URL: "http://127.0.0.1:4200/api", LOG_LEVEL: "debug", PYTHONPATH: null },
        labels: { team: "data" },
        name: "nightly-etl",
        command: ["python", "-m", "etl.nightly"],
        streamOutput: true,
        workingDir: "/srv/etl",
      },
      problems: [],
      notes: [
        { path: "env.PREFECT_API_URL", message: expect.stringMatching(/^kept as is; .*INFRABLOCKS_API_URL/) },
      ],
    });
    expect(processBlockType.schema.safeParse(outcome.document).success).toBe(true);
  });

  it("leaves out a field Prefect's Process does not have, naming it", async () => {
    const outcome = await importFromPrefect(processBlockType, { working_dir: null, shell: "bash" });
    expect(outcome.document).toEqual({ type: "process" });
    expect(outcome.problems).toEqual([
      { path: "shell", message: "not a field of Prefect's process block that infrablocks knows; left out" },
    ]);
  });
});
