import { Redactor } from "@infrablocks/core/runtime";
import { registryHost } from "./registry-address.js";

/**
 * Credentials for one registry, ready to send with a pull. They travel in the X-Registry-Auth header
 * of each request; nothing is stored in the engine or on disk.
 */
export interface RegistryAuth {
  /** The registry the credentials belong to, as {@link registryHost} names it. */
  readonly registry: string;
  readonly username: string;
  /** The X-Registry-Auth header value. It holds the secret: never log it. */
  readonly header: string;
  /** Scrubs the secret, in every form it travels in, from text shown to users. */
  readonly redactor: Redactor;
}

export interface RegistryCredentials {
  /** The registry address as the user wrote it; the engine receives it as `serveraddress`. */
  serverAddress: string;
  username: string;
  password?: string;
  /** A token the registry issued at login, sent instead of the password (as the docker CLI does). */
  identityToken?: string;
}

export function registryAuth(credentials: RegistryCredentials): RegistryAuth {
  const config = credentials.identityToken
    ? {
        username: credentials.username,
        identitytoken: credentials.identityToken,
        serveraddress: credentials.serverAddress,
      }
    : {
        username: credentials.username,
        password: credentials.password ?? "",
        serveraddress: credentials.serverAddress,
      };
  // The engine decodes the header as URL-safe base64 with padding.
  const header = Buffer.from(JSON.stringify(config))
    .toString("base64")
    .replace(/\+/g, "-")
    .replace(/\//g, "_");
  const redactor = new Redactor();
  redactor.add(
    header,
    ...[credentials.password, credentials.identityToken].filter((value) => value !== undefined),
  );
  return {
    registry: registryHost(credentials.serverAddress),
    username: credentials.username,
    header,
    redactor,
  };
}
