import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface TlsMaterial {
  cert: string;
  key: string;
}

/**
 * A fresh self-signed certificate for 127.0.0.1, made by openssl so no crypto code lives here. The
 * certificate is its own CA, so the kubeconfig can trust it through `certificate-authority-data`.
 */
export async function makeSelfSignedCertificate(dir: string): Promise<TlsMaterial> {
  const keyPath = join(dir, "server.key");
  const certPath = join(dir, "server.crt");
  await run(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=kube-test-server",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-keyout",
      keyPath,
      "-out",
      certPath,
    ],
    { timeout: 30_000 },
  );
  const [cert, key] = await Promise.all([readFile(certPath, "utf8"), readFile(keyPath, "utf8")]);
  return { cert, key };
}
