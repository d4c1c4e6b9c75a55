// `npm run bench -w tests`: the cross-package benchmarks (*.bench.ts here), apart from `npm test` (whose config
// includes only *.test.ts and excludes bench/). One file at a time, no timeouts that a slow, shared machine
// could hit, and console output straight to the terminal.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["bench/**/*.bench.ts"],
    exclude: ["**/node_modules/**"],
    environment: "node",
    testTimeout: 30 * 60_000,
    hookTimeout: 10 * 60_000,
    fileParallelism: false,
    disableConsoleIntercept: true,
  },
});
