/** Typed Hono RPC client for the API, used by the web app and scripts. */
import { hc } from "hono/client";
import type { AppType } from "./index";

export type { AppType };

/** Creates a typed client for the API at `baseUrl` (e.g. `http://127.0.0.1:8787`). */
export function createApiClient(baseUrl: string, options?: Parameters<typeof hc>[1]) {
  return hc<AppType>(baseUrl, options);
}
