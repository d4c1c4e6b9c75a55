// Vite configuration for the web app. `npm run dev` (scripts/dev.mjs) overrides host and port on the command line.
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig, searchForWorkspaceRoot } from "vite";
import { headersFor, readHeadersFile } from "./headers-file";

// The production host's headers (static/_headers) for every page: dev and preview are cross-origin isolated
// exactly as production is, so wasm threads behave the same everywhere.
const PAGE_HEADERS = headersFor(readHeadersFile(), "/");

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    // The dev server serves onnxruntime-web's .wasm files from where npm put them: packages/model has its own
    // copy (packages/model/node_modules/onnxruntime-web, pinned apart from the tokenizer's), which SvelteKit's
    // default allow list (the app and the root node_modules) refuses with 403. The production build copies them.
    fs: { allow: [searchForWorkspaceRoot(process.cwd())] },
    headers: PAGE_HEADERS,
  },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true, headers: PAGE_HEADERS },
});
