import { startKubeTestServer } from "./server.js";

/** Runs the test server by hand: `node dist/main.js`, then point KUBECONFIG at the printed path. */
const server = await startKubeTestServer();
process.stdout.write(`kubeconfig: ${server.kubeconfigPath}\nurl: ${server.url}\n`);

const shutdown = async () => {
  await server.stop();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
