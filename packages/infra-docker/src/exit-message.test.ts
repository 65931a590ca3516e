import { describe, expect, it } from "vitest";
import { exitMessage } from "./exit-message.js";

describe("exitMessage", () => {
  it("hints at memory only when the engine says the container was OOM-killed", () => {
    expect(exitMessage(137, true, "16m")).toContain("ran out of memory");
    expect(exitMessage(137, true, "16m")).toContain("memLimit 16m");
    expect(exitMessage(137, false, "16m")).not.toContain("memory");
    expect(exitMessage(137, false, undefined)).toContain("SIGKILL");
  });

  it("explains SIGTERM and says nothing of ordinary codes", () => {
    expect(exitMessage(143, false, undefined)).toContain("SIGTERM");
    expect(exitMessage(0, false, undefined)).toBeUndefined();
    expect(exitMessage(3, false, undefined)).toBeUndefined();
  });
});
