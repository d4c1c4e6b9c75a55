// Vitest settings for the tokenizer: tests beside the code; two workers at most on the shared 2-core machines.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    maxWorkers: 2,
    testTimeout: 30_000,
  },
});
