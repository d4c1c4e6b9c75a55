// API tests run inside workerd (vitest-pool-workers) against real local D1, R2 and Durable Objects,
// configured from the root wrangler.toml; migrations are applied by test/apply-migrations.ts.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url)));

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "../../wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          ADMIN_TOKEN: "test-admin-token",
          // Test-only Ed25519 key (public key and id in test/models-fixtures.ts); never used outside tests.
          MANIFEST_SIGNING_KEY: "MC4CAQAwBQYDK2VwBCIEIEXK578fdKl2EO6F+OrzRUAYALCRYJto+Pt9U2bHjmTf",
          TASK_SIGNING_KEY: "test-task-signing-key",
          // Limits stay on (every request still asks the Durable Object) but far above what tests send;
          // test/rate-limit.test.ts checks the 429 path with its own small limits.
          RATE_LIMIT_SCALE: "1000",
        },
      },
    }),
  ],
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    setupFiles: ["./test/apply-migrations.ts"],
  },
});
