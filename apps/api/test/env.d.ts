// Types for the test runtime: the worker's Env plus the migrations the config injects, and the main
// module, so `exports.default` and `env` from "cloudflare:workers" are typed.
import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}
