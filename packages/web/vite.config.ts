import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // Relative asset URLs, so the page works wherever `infrablocks ui` (or any static server) mounts it.
  base: "./",
  // React, rjsf and Ajv make one ~650 kB bundle; the page is served from this machine, so one file is fine.
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
