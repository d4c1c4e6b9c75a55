// Two projects. `workers`: API tests inside workerd (vitest-pool-workers) against real local D1, R2 and
// Durable Objects, configured from the root wrangler.toml; migrations are applied by test/apply-migrations.ts.
// `node`: plain-Node tests (the seed builder, and checks that need a native image decoder), see
// seed/vitest.config.ts for the seed builder's own settings.
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url)));

// workerd has no file system: the metadata fixtures travel as a binding, name -> base64.
const fixtureDir = fileURLToPath(new URL("./test/fixtures/metadata", import.meta.url));
const imageFixtures = Object.fromEntries(
  readdirSync(fixtureDir)
    .filter((name) => /\.(png|jpg|webp)$/.test(name))
    .map((name) => [name, readFileSync(`${fixtureDir}/${name}`).toString("base64")]),
);

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "../../wrangler.toml" },
            miniflare: {
              // A second, empty database for test/migrations.test.ts, which migrates it step by step.
              d1Databases: { MIGRATION_DB: "migration-test" },
              bindings: {
                TEST_MIGRATIONS: migrations,
                TEST_IMAGE_FIXTURES: imageFixtures,
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
          name: "workers",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["test/node/**"],
          setupFiles: ["./test/apply-migrations.ts"],
        },
      },
      {
        test: {
          name: "node",
          include: ["seed/**/*.test.ts", "test/node/**/*.test.ts"],
          exclude: ["**/node_modules/**", "seed/.cache/**"],
          environment: "node",
          pool: "threads",
          maxWorkers: 1,
        },
      },
    ],
  },
});
