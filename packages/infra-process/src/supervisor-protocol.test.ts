import { describe, expect, it } from "vitest";
import { decodeRequest, encodeRequest, type SupervisorRequest } from "./supervisor-protocol.js";

const request: SupervisorRequest = {
  folder: "/state/run-1",
  streamOutput: true,
  tailFileBytes: 1024,
  tailBatchMs: 100,
  cwd: "/work dir",
  executable: "printf",
  args: ["%s\n", "", "é ✓", "a=b"],
  env: { PATH: "/bin", EMPTY: "", WITH_EQUALS: "x=y=z" },
};

describe("the supervisor's request", () => {
  it("decodes to what was encoded, the bytes after it apart, and is incomplete at every earlier cut", () => {
    const bytes = encodeRequest(request);
    const withRelease = Buffer.concat([bytes, Buffer.from("recorded\n")]);
    expect(decodeRequest(withRelease)).toEqual({ request, rest: Buffer.from("recorded\n") });
    for (let cut = 0; cut < bytes.length; cut++)
      expect(decodeRequest(bytes.subarray(0, cut))).toBeUndefined();
  });

  it("refuses what is no request, as the native supervisor does", () => {
    const payload = encodeRequest(request).subarray(encodeRequest(request).indexOf(10) + 1);
    const framed = (body: string) =>
      Buffer.concat([Buffer.from(`${Buffer.byteLength(body)}\n`), Buffer.from(body)]);
    expect(() => decodeRequest(Buffer.from("x".repeat(40)))).toThrow("does not start with its length");
    expect(() => decodeRequest(Buffer.from("-1\n"))).toThrow("malformed");
    expect(() => decodeRequest(Buffer.from("999999999999\n"))).toThrow("too long");
    // A field too few, a field too many, a count that is no number.
    expect(() => decodeRequest(framed(payload.toString().replace(/[^\0]*\0$/, "")))).toThrow("malformed");
    expect(() => decodeRequest(framed(`${payload}extra\0`))).toThrow("malformed");
    expect(() => decodeRequest(framed(payload.toString().replace("\u00004\u0000", "\0four\0")))).toThrow(
      "malformed",
    );
  });
});
