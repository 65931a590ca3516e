import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // Relative asset URLs, so the page works wherever `infrablocks ui` (or any static server) mounts it.
  base: "./",
  resolve: {
    alias: {
      // The page uses core's UI hints alone (and its types, which the build erases). Pointing the package at
      // that one file keeps Vite from resolving core's Node-only modules (the store, hashing) for the browser.
      "@infrablocks/core": fileURLToPath(new URL("../core/src/ui-hints.ts", import.meta.url)),
    },
  },
  // React, rjsf and Ajv make one ~650 kB bundle; the page is served from this machine, so one file is fine.
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
