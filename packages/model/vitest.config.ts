// Vitest settings for the model runtime: tests beside the code, Node environment (onnxruntime-web on wasm),
// one worker at most: ONNX sessions are CPU-heavy and the machines are small and shared.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    maxWorkers: 1,
    testTimeout: 60_000,
  },
});
