// Cross-package tests: real servers and a real browser, so generous timeouts (the machine is small and shared)
// and one file at a time (each file starts its own API, build and Chromium; two at once only compete for CPU).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "bench/**"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
