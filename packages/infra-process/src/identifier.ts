import { hostname } from "node:os";
import { InfrablocksError } from "@infrablocks/core/runtime";

/** `<hostname>:<pid>`, the identifier of a process run. */
export function processIdentifier(pid: number): string {
  return `${hostname()}:${pid}`;
}

export function parseProcessIdentifier(identifier: string): { host: string; pid: number } {
  const separator = identifier.lastIndexOf(":");
  const host = identifier.slice(0, separator);
  const pidText = identifier.slice(separator + 1);
  if (separator <= 0 || !/^[1-9][0-9]{0,9}$/.test(pidText)) {
    throw new InfrablocksError(
      "INVALID_IDENTIFIER",
      `'${identifier}' is not a process identifier; expected <hostname>:<pid>, e.g. ${processIdentifier(4242)}.`,
      { blockType: "process" },
    );
  }
  return { host, pid: Number(pidText) };
}
