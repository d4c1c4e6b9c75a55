// Seed builder tests run in plain Node (they use node:fs, node:zlib and resvg's native binding), apart
// from apps/api's workerd test config. Run: npx vitest run --config apps/api/seed/vitest.config.ts
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Keep Vite's cache in apps/api/node_modules rather than creating seed/node_modules.
  cacheDir: fileURLToPath(new URL("../node_modules/.vite-seed", import.meta.url)),
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", ".cache/**"],
    environment: "node",
    pool: "threads",
    maxWorkers: 1,
  },
});
