import { describe, expect, it } from "vitest";
import { mergeCreateBody } from "./create-options.js";

describe("mergeCreateBody", () => {
  it("merges objects key by key, the derived settings winning", () => {
    const merged = mergeCreateBody(
      {
        WorkingDir: "/work",
        Tty: true,
        HostConfig: { Init: true, Privileged: false, NetworkMode: "bridge" },
      },
      { Tty: false, HostConfig: { NetworkMode: "host", Memory: 1024, Binds: undefined } },
    );
    expect(merged).toEqual({
      WorkingDir: "/work",
      Tty: false,
      HostConfig: { Init: true, Privileged: false, NetworkMode: "host", Memory: 1024 },
    });
  });

  it("keeps both sides' Env entries by name and ExtraHosts entries", () => {
    const merged = mergeCreateBody(
      { Env: ["A=1", "B=2"], HostConfig: { ExtraHosts: ["db:10.0.0.1"] } },
      { Env: ["B=3", "C=4"], HostConfig: { ExtraHosts: ["host.docker.internal:host-gateway"] } },
    );
    expect(merged.Env).toEqual(["A=1", "B=3", "C=4"]);
    expect(merged.HostConfig).toEqual({ ExtraHosts: ["db:10.0.0.1", "host.docker.internal:host-gateway"] });
  });

  it("never copies prototype keys and leaves its inputs untouched", () => {
    const options = JSON.parse(
      '{"__proto__": {"polluted": true}, "HostConfig": {"constructor": 1, "Init": true}}',
    );
    const merged = mergeCreateBody(options, { HostConfig: { Memory: 1 } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(merged).toEqual({ HostConfig: { Init: true, Memory: 1 } });
    expect(options.HostConfig).toEqual({ constructor: 1, Init: true });
  });

  it("is the derived body alone without createOptions", () => {
    expect(mergeCreateBody(undefined, { Image: "x", Cmd: ["a"] })).toEqual({ Image: "x", Cmd: ["a"] });
  });
});
