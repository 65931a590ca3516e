import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DocumentStore, parseDocumentsText } from "@infrablocks/core/runtime";
import { describe, expect, it } from "vitest";
import type { Session } from "../session.js";
import { saveCommand } from "./documents.js";

const FILE =
  "$name: first\ntype: process\ncommand: [new-first]\n---\n$name: second\ntype: process\ncommand: [new-second]\n";

/**
 * A session around a real store whose second save fails, as a full disk or another writer would make it
 * fail: the one fault the real store cannot be made to show on demand here (the tests run as root).
 */
async function sessionFailingOnSecondSave() {
  const store = new DocumentStore(await mkdtemp(join(tmpdir(), "ib-save-undo-")));
  const messages: string[] = [];
  let saves = 0;
  const failing = {
    load: store.load.bind(store),
    delete: store.delete.bind(store),
    save: (...args: Parameters<DocumentStore["save"]>) => {
      saves++;
      if (saves === 2) return Promise.reject(new Error("ENOSPC: no space left on device"));
      return store.save(...args);
    },
  };
  const session = {
    store: failing,
    registry: { has: () => false },
    log: { info: (line: string) => messages.push(line), warn: (line: string) => messages.push(line) },
    readDocuments: async () => parseDocumentsText(FILE, "blocks.yaml"),
    resolve: async () => ({ blockType: { slug: "process" } }),
  } as unknown as Session;
  return { store, session, messages };
}

describe("save of a file whose second save fails", () => {
  it("removes the document it created before the failure", async () => {
    const { store, session, messages } = await sessionFailingOnSecondSave();
    await expect(saveCommand(session, "blocks.yaml", {})).rejects.toThrow("ENOSPC");
    expect(await store.list()).toEqual([]);
    expect(messages).toContain("Undid the save of process/first.");
  });

  it("with --overwrite, puts back the version it replaced", async () => {
    const { store, session, messages } = await sessionFailingOnSecondSave();
    await store.save("process", "first", { type: "process", command: ["old-first"] });
    await expect(saveCommand(session, "blocks.yaml", { overwrite: true })).rejects.toThrow("ENOSPC");
    expect(await store.load("process", "first")).toEqual({ type: "process", command: ["old-first"] });
    expect((await store.list()).map((entry) => entry.name)).toEqual(["first"]);
    expect(messages).toContain("Undid the save of process/first.");
  });
});
