// SvelteKit configuration: a static single-page app. The product runs its models on the visitor's device, so
// the build is plain files that any static host (or a CDN) can serve; `index.html` is the SPA fallback.
import adapter from "@sveltejs/adapter-static";

// Tests build into a temporary folder so they never overwrite a developer's `build/`.
const buildDir = process.env.WEB_BUILD_DIR || "build";

/** @type {import('@sveltejs/kit').Config} */
const config = {
  compilerOptions: {
    // Runes everywhere in our own code; libraries keep whatever mode they were written in.
    runes: ({ filename }) => (filename.split(/[/\\]/).includes("node_modules") ? undefined : true),
  },
  kit: {
    adapter: adapter({ pages: buildDir, assets: buildDir, fallback: "index.html", strict: true }),
    typescript: {
      // Type-checking sees the API only through the declarations that `npm run typecheck` emits with the API's
      // own compiler settings (Workers types, no DOM; see tsconfig.api-types.json): compiling the worker's
      // source under the browser's settings fails. Vite ignores this and bundles the real client source.
      config(tsconfig) {
        tsconfig.compilerOptions.paths["@commonspace/api/client"] = ["./api-types/client.d.ts"];
      },
    },
  },
};

export default config;
