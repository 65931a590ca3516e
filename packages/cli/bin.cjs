#!/usr/bin/env node
// CommonJS, like the CLI's build: Node 20 starts it faster than an ES module (BENCHMARKS.md).
const { enableCompileCache } = require("node:module");

// Node 22.1+ keeps compiled code on disk between runs; older Node has no such cache.
enableCompileCache?.();
require("./dist/index.cjs")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
