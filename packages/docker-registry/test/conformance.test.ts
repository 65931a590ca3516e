import { testBlockType } from "@infrablocks/testkit";
import { dockerRegistryBlockType } from "../src/index.js";

// docker-registry has no run-infrastructure capability: its checks (schema, documents, secrets) need no
// Docker Engine, so they run everywhere rather than behind dockerAvailable().
testBlockType({
  blockType: dockerRegistryBlockType,
  validDocument: {
    username: "ci-bot",
    password: "conformance-registry-password",
    registryUrl: "registry.example.com:5000",
    reauth: false,
  },
  invalidDocuments: [
    { document: { password: "p", registryUrl: "r" }, path: "username" },
    { document: { username: "u", password: "", registryUrl: "r" }, path: "password" },
    { document: { username: "u", password: "p", registryUrl: "r", reauth: "yes" }, path: "reauth" },
  ],
});
