/**
 * The web app's one door to the API: a typed Hono RPC client (`AppType` from apps/api) aimed at
 * `PUBLIC_API_URL`. Only `hono/client` ends up in the bundle: the client module imports the worker for its
 * types alone (and the type check reads those from emitted declarations: see svelte.config.js).
 */
import { createApiClient } from "@commonspace/api/client";
import { PUBLIC_API_URL } from "$env/static/public";

/** The typed API client the app's pages use. */
export type ApiClient = ReturnType<typeof createApiClient>;

/** Base URL of the API this build talks to, without a trailing slash. */
export const API_URL: string = PUBLIC_API_URL.replace(/\/+$/, "");

/** The client for {@link API_URL}, shared by every page. */
export const api: ApiClient = createApiClient(API_URL);
