import { describe, expect, it } from "vitest";
import { registryAuth } from "./registry-auth.js";

function decode(header: string): unknown {
  return JSON.parse(Buffer.from(header.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
}

describe("registryAuth", () => {
  it("encodes username, password and server address as URL-safe base64 with padding", () => {
    const auth = registryAuth({
      serverAddress: "https://r.example.com:5000",
      username: "me",
      password: "p?>>?",
    });
    expect(auth.registry).toBe("r.example.com:5000");
    expect(auth.header).not.toMatch(/[+/]/);
    expect(auth.header.length % 4).toBe(0);
    expect(decode(auth.header)).toEqual({
      username: "me",
      password: "p?>>?",
      serveraddress: "https://r.example.com:5000",
    });
  });

  it("sends an identity token instead of the password", () => {
    const auth = registryAuth({
      serverAddress: "r.example.com",
      username: "me",
      identityToken: "tok-123456",
    });
    expect(decode(auth.header)).toEqual({
      username: "me",
      identitytoken: "tok-123456",
      serveraddress: "r.example.com",
    });
  });

  it("scrubs the password and the header from text", () => {
    const auth = registryAuth({ serverAddress: "r.example.com", username: "me", password: "hunter2-secret" });
    const text = `password hunter2-secret header ${auth.header} b64 ${Buffer.from("hunter2-secret").toString("base64")}`;
    const scrubbed = auth.redactor.redact(text);
    expect(scrubbed).not.toContain("hunter2-secret");
    expect(scrubbed).not.toContain(auth.header);
    expect(scrubbed).not.toContain(Buffer.from("hunter2-secret").toString("base64"));
  });
});
