// Vite configuration for the web app. `npm run dev` (scripts/dev.mjs) overrides host and port on the command line.
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig, searchForWorkspaceRoot, type Connect, type Plugin } from "vite";
import { headersFor, readHeadersFile } from "./headers-file";
import { buildWidgetWithApp } from "./vite.widget.config";

/**
 * The production host's headers (static/_headers) on every dev and preview answer, SvelteKit's pages included
 * (Vite's own `server.headers` skip them): dev and preview are cross-origin isolated exactly as production is,
 * so wasm threads behave the same everywhere.
 */
function hostHeaders(): Plugin {
  const rules = readHeadersFile();
  const middleware: Connect.NextHandleFunction = (req, res, next) => {
    const pathname = new URL(req.url ?? "/", "http://dev.local").pathname;
    for (const [name, value] of Object.entries(headersFor(rules, pathname))) res.setHeader(name, value);
    next();
  };
  return {
    name: "commonspace-host-headers",
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

export default defineConfig({
  // buildWidgetWithApp: the embeddable widget (src/widget) lands in the static build at /widget/ (vite.widget.config.ts).
  plugins: [hostHeaders(), sveltekit(), buildWidgetWithApp()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    // The dev server serves onnxruntime-web's .wasm files from where npm put them: packages/model has its own
    // copy (packages/model/node_modules/onnxruntime-web, pinned apart from the tokenizer's), which SvelteKit's
    // default allow list (the app and the root node_modules) refuses with 403. The production build copies them.
    fs: { allow: [searchForWorkspaceRoot(process.cwd())] },
  },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true },
});
