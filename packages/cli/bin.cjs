#!/usr/bin/env node
// CommonJS, like the CLI's build: Node 20 starts it faster than an ES module (BENCHMARKS.md).
require("./dist/compile-cache.cjs").keepCompiledCode();
require("./dist/index.cjs")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
