import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkHostKey, fingerprint, knownKeyTypes } from "./known-hosts.js";

/** A public key blob as SSH sends it: the type, then (here random) key bytes. */
function keyBlob(type = "ssh-ed25519"): Buffer {
  const name = Buffer.from(type);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(name.length);
  return Buffer.concat([head, name, randomBytes(36)]);
}

const line = (hosts: string, key: Buffer, type = "ssh-ed25519") =>
  `${hosts} ${type} ${key.toString("base64")}`;

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

describe("known_hosts checks", () => {
  const key = keyBlob();
  const other = keyBlob();

  it("find a host on port 22 by name and on other ports as [host]:port", () => {
    expect(checkHostKey(line("build.example.com", key), "build.example.com", 22, key)).toBe("known");
    expect(checkHostKey(line("[build.example.com]:2222", key), "build.example.com", 2222, key)).toBe("known");
    expect(checkHostKey(line("build.example.com", key), "build.example.com", 2222, key)).toBe("unknown");
    expect(checkHostKey(line("BUILD.example.com", key), "build.EXAMPLE.com", 22, key)).toBe("known");
  });

  it("read comma lists, wildcards, negations, comments and hashed names", () => {
    const text = [
      "# a comment",
      "",
      line("a.example.com,*.build.example.com,!secret.build.example.com", key),
      line(hashed("[10.0.0.5]:2200"), other),
    ].join("\n");
    expect(checkHostKey(text, "runner-1.build.example.com", 22, key)).toBe("known");
    expect(checkHostKey(text, "a.example.com", 22, key)).toBe("known");
    expect(checkHostKey(text, "secret.build.example.com", 22, key)).toBe("unknown");
    expect(checkHostKey(text, "10.0.0.5", 2200, other)).toBe("known");
    expect(checkHostKey(text, "10.0.0.5", 22, other)).toBe("unknown");
  });

  it("tell a changed key of the same type from a key of another type", () => {
    expect(checkHostKey(line("h", other), "h", 22, key)).toBe("changed");
    const rsa = keyBlob("ssh-rsa");
    expect(checkHostKey(line("h", rsa, "ssh-rsa"), "h", 22, key)).toBe("unknown");
    expect(checkHostKey([line("h", rsa, "ssh-rsa"), line("h", key)].join("\n"), "h", 22, key)).toBe("known");
  });

  it("refuse a @revoked key even when another line knows it, and skip @cert-authority lines", () => {
    const text = [line("h", key), `@revoked ${line("*", key)}`].join("\n");
    expect(checkHostKey(text, "h", 22, key)).toBe("revoked");
    expect(checkHostKey(`@cert-authority ${line("h", key)}`, "h", 22, key)).toBe("unknown");
  });

  it("list the key types known for a host, to ask the server for one of them", () => {
    const text = [line("h", key), line("h", keyBlob("ssh-rsa"), "ssh-rsa"), line("other", key)].join("\n");
    expect(knownKeyTypes(text, "h", 22)).toEqual(["ssh-ed25519", "ssh-rsa"]);
    expect(knownKeyTypes(text, "nowhere", 22)).toEqual([]);
  });

  it("print fingerprints as OpenSSH does", () => {
    expect(fingerprint(key)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
