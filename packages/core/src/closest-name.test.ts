import { describe, expect, it } from "vitest";
import { closestName } from "./closest-name.js";

const processFields = [
  "type",
  "env",
  "labels",
  "name",
  "command",
  "streamOutput",
  "workingDir",
  "outputTailBytes",
];

describe("closestName", () => {
  it("finds Prefect's snake_case and other spellings of the same words", () => {
    expect(closestName("stream_output", processFields)).toBe("streamOutput");
    expect(closestName("working-dir", processFields)).toBe("workingDir");
    expect(closestName("STREAMOUTPUT", processFields)).toBe("streamOutput");
    expect(closestName("image_pull_policy", ["image", "imagePullPolicy", "imageRegistry"])).toBe(
      "imagePullPolicy",
    );
  });

  it("knows other tools' names for a field, where the type has that field", () => {
    expect(closestName("workdir", processFields)).toBe("workingDir");
    expect(closestName("working_dir", processFields)).toBe("workingDir");
    expect(closestName("CWD", processFields)).toBe("workingDir");
    expect(closestName("environment", processFields)).toBe("env");
    expect(closestName("cmd", processFields)).toBe("command");
    expect(closestName("workdir", ["image", "command"])).toBeUndefined();
    expect(closestName("constructor", processFields)).toBeUndefined();
  });

  it("finds a typo within one edit of a name under eight characters and two of a longer one", () => {
    expect(closestName("comand", processFields)).toBe("command");
    expect(closestName("lables", processFields)).toBe("labels");
    expect(closestName("workigndir", processFields)).toBe("workingDir");
    expect(closestName("proces", ["docker-container", "process"])).toBe("process");
  });

  it("gives nothing for a name that is not close, or close to two", () => {
    expect(closestName("memory", processFields)).toBeUndefined();
    expect(closestName("enb", processFields)).toBeUndefined();
    expect(closestName("cpus", ["cpuLimit", "gpus", "user"])).toBeUndefined();
    expect(closestName("labelz", ["labels", "label"])).toBeUndefined();
    expect(closestName("x", [])).toBeUndefined();
  });
});
