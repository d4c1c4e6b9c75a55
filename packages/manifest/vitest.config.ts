// Vitest settings for the manifest package: pure code, tests beside it, two workers at most (shared 2-core machines).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    maxWorkers: 2,
  },
});
