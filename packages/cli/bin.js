#!/usr/bin/env node
import module from "node:module";

// Node 22.1+ keeps compiled code on disk between runs; older Node has no such cache.
module.enableCompileCache?.();
const { main } = await import("./dist/index.js");
process.exitCode = await main(process.argv.slice(2));
