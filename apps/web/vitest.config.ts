// Unit tests for the web app's modules. The SvelteKit plugin compiles `.svelte.ts` files (runes) and resolves
// `$lib` / `$env`; tests run in Node because they exercise logic, not the DOM (browser tests live in /tests).
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [sveltekit()],
  test: {
    include: ["src/**/*.test.ts", "*.test.ts"],
    environment: "node",
  },
});
