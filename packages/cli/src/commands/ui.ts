import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, extname, join, resolve, sep } from "node:path";
import { installedSchemas } from "../drivers.js";
import type { Session } from "../session.js";

/** Loopback only: the page is a local tool, and no other machine should reach it. */
const HOST = "127.0.0.1";
const DEFAULT_UI_PORT = 4280;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/**
 * Serves the form page (built from `@infrablocks/web`, shipped in the CLI's dist/web) and, as
 * `/index.json`, the schemas of the installed block types, on 127.0.0.1 until Ctrl-C. Prints the URL on stdout.
 */
export async function uiCommand(
  session: Session,
  options: { port?: number; open?: boolean },
): Promise<number> {
  const root = webDistDirectory();
  if (typeof root !== "string") {
    session.log.error(root.problem);
    return 1;
  }
  // One broken driver should not take the forms of the others down.
  const schemas = await installedSchemas(async () => session.registry, {
    onUnusable: (_slug, packageName, error) =>
      session.log.warn(`${packageName} is installed but unusable: ${error.message}`),
  });
  const index = `${JSON.stringify(schemas, null, 2)}\n`;

  const server = createServer((request, response) => {
    if (request.method !== "GET" && request.method !== "HEAD")
      return send(response, 405, "Method not allowed");
    const { pathname } = new URL(request.url ?? "/", `http://${HOST}`);
    if (pathname === "/index.json") return send(response, 200, index, CONTENT_TYPES[".json"]);
    serveFile(root, pathname, response).catch((error: Error) => send(response, 500, error.message));
  });
  const port = options.port ?? DEFAULT_UI_PORT;
  try {
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once("error", rejectListen);
      server.listen(port, HOST, resolveListen);
    });
  } catch (error) {
    const busy = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
    session.log.error(
      busy ? `Port ${port} is in use; choose another with --port.` : (error as Error).message,
    );
    return 1;
  }

  const url = `http://${HOST}:${(server.address() as AddressInfo).port}/`;
  session.writeOut(url);
  session.log.info("Serving the block forms; press Ctrl-C to stop.");
  if (options.open) openBrowser(url, session);

  await new Promise<void>((resolveStop) => {
    process.once("SIGINT", resolveStop);
    process.once("SIGTERM", resolveStop);
  });
  // Stopping the server is what was asked for: a clean exit, not the 130 of an interrupted run.
  server.closeAllConnections();
  await new Promise((resolveClose) => server.close(resolveClose));
  return 0;
}

// --- Internal helpers ---

/**
 * The built page, which the CLI's build copies into its own dist/web; found through the CLI's package so
 * that it works from the workspace, a global link and an install alike.
 */
function webDistDirectory(): string | { problem: string } {
  const packageJson = createRequire(import.meta.url).resolve("@infrablocks/cli/package.json");
  const dist = join(dirname(packageJson), "dist", "web");
  if (!existsSync(join(dist, "index.html"))) {
    return {
      problem: `The form page is missing (no ${join(dist, "index.html")}): rebuild the CLI with pnpm build, or reinstall @infrablocks/cli.`,
    };
  }
  return dist;
}

async function serveFile(root: string, pathname: string, response: ServerResponse): Promise<void> {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname === "/" ? "/index.html" : pathname);
  } catch {
    return send(response, 400, "Malformed URL");
  }
  const file = resolve(root, `.${relative}`);
  // resolve() has folded any `..`: whatever lands outside the page's folder is not served.
  const isFile = await stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!file.startsWith(root + sep) || !isFile) return send(response, 404, "Not found");
  send(response, 200, await readFile(file), CONTENT_TYPES[extname(file)] ?? "application/octet-stream");
}

function send(
  response: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType = "text/plain; charset=utf-8",
): void {
  response.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(body),
    "X-Content-Type-Options": "nosniff",
    // The schemas change when drivers are installed or upgraded; the page is tiny.
    "Cache-Control": "no-store",
  });
  response.end(response.req.method === "HEAD" ? undefined : body);
}

function openBrowser(url: string, session: Session): void {
  const [command, ...args] =
    process.platform === "darwin"
      ? ["open", url]
      : process.platform === "win32"
        ? ["cmd", "/c", "start", "", url]
        : ["xdg-open", url];
  const child = spawn(command as string, args, { detached: true, stdio: "ignore" });
  child.on("error", () => session.log.warn(`Could not open a browser; open ${url} yourself.`));
  child.unref();
}
