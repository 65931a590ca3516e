import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** How a host key compares with a known_hosts text, as OpenSSH decides it. */
export type HostKeyVerdict = "known" | "changed" | "unknown" | "revoked";

interface KnownHostLine {
  marker: "" | "@revoked" | "@cert-authority";
  hosts: string;
  keyType: string;
  key: Buffer;
}

/**
 * Checks `key` (the server's public key blob, as SSH sends it) for `host` and `port` against the
 * lines of a known_hosts file: plain, wildcard, negated and hashed (`|1|salt|hash`) host patterns,
 * `[host]:port` for other ports than 22, and `@revoked` keys. `@cert-authority` lines are skipped:
 * host certificates are not supported.
 */
export function checkHostKey(knownHosts: string, host: string, port: number, key: Buffer): HostKeyVerdict {
  let verdict: HostKeyVerdict = "unknown";
  for (const line of linesFor(knownHosts, host, port)) {
    const same = line.key.length === key.length && timingSafeEqual(line.key, key);
    if (line.marker === "@revoked" && same) return "revoked";
    if (line.marker !== "") continue;
    if (same) verdict = "known";
    // A known key of another type says nothing about this one; one of the same type that differs does.
    else if (verdict === "unknown" && keyTypeOf(line.key) === keyTypeOf(key)) verdict = "changed";
  }
  return verdict;
}

/** The key types known_hosts holds for the host, so the client can ask the server for one of them. */
export function knownKeyTypes(knownHosts: string, host: string, port: number): string[] {
  return [
    ...new Set(
      linesFor(knownHosts, host, port)
        .filter((line) => line.marker === "")
        .map((line) => line.keyType),
    ),
  ];
}

/** `SHA256:<base64>`, the fingerprint OpenSSH prints for a key. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

// --- Internal helpers ---

function linesFor(knownHosts: string, host: string, port: number): KnownHostLine[] {
  // OpenSSH writes a host on another port than 22 as [host]:port, and looks it up the same way.
  const name = port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
  return knownHosts
    .split(/\r?\n/)
    .map(parseLine)
    .filter((line): line is KnownHostLine => line !== undefined && hostsMatch(line.hosts, name));
}

function parseLine(text: string): KnownHostLine | undefined {
  const fields = text.trim().split(/\s+/);
  if (fields[0] === "" || fields[0]?.startsWith("#")) return undefined;
  const marker = fields[0]?.startsWith("@") ? (fields.shift() as string) : "";
  const [hosts, keyType, key] = fields;
  if (
    !hosts ||
    !keyType ||
    !key ||
    (marker !== "" && marker !== "@revoked" && marker !== "@cert-authority")
  ) {
    return undefined;
  }
  return { marker, hosts, keyType, key: Buffer.from(key, "base64") };
}

/** A comma-separated pattern list matches when a pattern matches and no negated (`!`) one does. */
function hostsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith("|1|")) return hashedMatch(patterns, name);
  let matched = false;
  for (const pattern of patterns.toLowerCase().split(",")) {
    const negated = pattern.startsWith("!");
    if (!wildcard(negated ? pattern.slice(1) : pattern).test(name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function hashedMatch(entry: string, name: string): boolean {
  const [, , salt, hash] = entry.split("|");
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const actual = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The key type a public key blob starts with (a length-prefixed string, e.g. "ssh-ed25519"). */
function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return "";
  return blob.subarray(4, 4 + blob.readUInt32BE(0)).toString("latin1");
}

function wildcard(pattern: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`);
}
