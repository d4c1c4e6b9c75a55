// Types for the test runtime: the worker's Env plus the migrations the config injects, and the main
// module, so `exports.default` and `env` from "cloudflare:workers" are typed.
import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      /** An empty database for the migration test. */
      MIGRATION_DB: D1Database;
      /** test/fixtures/metadata/*: file name -> base64 bytes (vitest.config.ts). */
      TEST_IMAGE_FIXTURES: Record<string, string>;
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}
