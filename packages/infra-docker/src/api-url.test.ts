import { describe, expect, it } from "vitest";
import { planNetworking } from "./api-url.js";

const base = (url: string) => ({ INFRABLOCKS_API_URL: url, INFRABLOCKS_OTHER: "kept" });
const plan = (overrides: Partial<Parameters<typeof planNetworking>[0]>) =>
  planNetworking({
    env: {},
    baseEnvironment: {},
    networks: [],
    networkMode: undefined,
    platform: "linux",
    ...overrides,
  });

describe("planNetworking", () => {
  it("gives a Linux container the host network when the API is at localhost", () => {
    for (const url of ["http://localhost:4200/api", "http://127.0.0.1:4200/api"]) {
      const result = plan({ baseEnvironment: base(url) });
      expect(result.networkMode).toBe("host");
      expect(result.env.INFRABLOCKS_API_URL).toBe(url);
      expect(result.mapHostAlias).toBe(false);
    }
  });

  it("rewrites an inherited localhost URL to host.docker.internal on any other network", () => {
    const result = plan({
      baseEnvironment: base("http://127.0.0.1:4200/api/127.0.0.1"),
      networks: ["backend"],
    });
    expect(result.networkMode).toBeUndefined();
    expect(result.env.INFRABLOCKS_API_URL).toBe("http://host.docker.internal:4200/api/127.0.0.1");
    expect(result.env.INFRABLOCKS_OTHER).toBe("kept");
    expect(result.mapHostAlias).toBe(true);
  });

  it("lets an explicit network mode win", () => {
    const result = plan({ baseEnvironment: base("http://localhost:4200"), networkMode: "bridge" });
    expect(result.networkMode).toBe("bridge");
    expect(result.env.INFRABLOCKS_API_URL).toBe("http://host.docker.internal:4200");
  });

  it("keeps a URL the block sets itself", () => {
    const result = plan({
      env: { INFRABLOCKS_API_URL: "http://localhost:4200" },
      baseEnvironment: base("http://localhost:9999"),
      networks: ["backend"],
    });
    expect(result.env.INFRABLOCKS_API_URL).toBe("http://localhost:4200");
  });

  it("removes the URL when the block sets it to null, and infers nothing then", () => {
    const result = plan({
      env: { INFRABLOCKS_API_URL: null },
      baseEnvironment: base("http://localhost:4200"),
    });
    expect(result.env).toEqual({ INFRABLOCKS_OTHER: "kept" });
    expect(result.networkMode).toBeUndefined();
  });

  it("leaves a remote API alone", () => {
    const result = plan({ baseEnvironment: base("https://api.example.com/v1") });
    expect(result.networkMode).toBeUndefined();
    expect(result.env.INFRABLOCKS_API_URL).toBe("https://api.example.com/v1");
    expect(result.mapHostAlias).toBe(true);
  });

  it("does not infer host networking off Linux, and warns about an explicit one", () => {
    const inferred = plan({ baseEnvironment: base("http://localhost:4200"), platform: "darwin" });
    expect(inferred.networkMode).toBeUndefined();
    expect(inferred.env.INFRABLOCKS_API_URL).toBe("http://host.docker.internal:4200");
    expect(inferred.mapHostAlias).toBe(false);
    const explicit = plan({ networkMode: "host", platform: "darwin" });
    expect(explicit.warnings[0]).toContain("not supported on darwin");
  });

  it("maps the host alias only in modes with their own hosts file", () => {
    expect(plan({ networkMode: "none" }).mapHostAlias).toBe(false);
    expect(plan({ networkMode: "container:other" }).mapHostAlias).toBe(false);
    expect(plan({ networkMode: "bridge" }).mapHostAlias).toBe(true);
  });

  it("warns about an API URL that is not a URL, without quoting it", () => {
    const result = plan({ baseEnvironment: { INFRABLOCKS_API_URL: "not a url with s3cret" } });
    expect(result.warnings[0]).toContain("not a valid URL");
    expect(result.warnings[0]).not.toContain("s3cret");
  });
});
