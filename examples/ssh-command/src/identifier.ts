import { InfrablocksError } from "@infrablocks/core";

export interface SshRunLocation {
  user: string;
  host: string;
  port: number;
  pid: number;
}

/** `<user>@<host>:<port>:<remote pid>`, the identifier of an ssh-command run. */
export function sshIdentifier(location: SshRunLocation): string {
  return `${location.user}@${location.host}:${location.port}:${location.pid}`;
}

/** Parses from the right, so that an IPv6 host (`::1`) keeps its colons. */
export function parseSshIdentifier(identifier: string): SshRunLocation {
  const match = /^(.+)@(.+):([0-9]{1,5}):([1-9][0-9]{0,9})$/.exec(identifier);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) {
    throw new InfrablocksError(
      "INVALID_IDENTIFIER",
      `'${identifier}' is not an ssh-command identifier; expected <user>@<host>:<port>:<pid>, e.g. deploy@build.example.com:22:4242.`,
      { blockType: "ssh-command" },
    );
  }
  return { user: match[1] as string, host: match[2] as string, port, pid: Number(match[4]) };
}
