/**
 * The whole product for a browser test: the real API (wrangler dev, fresh D1/R2), optionally with bundles
 * published to channels and a small approved dataset, the web app's production build for that API, and a
 * Chromium. `stop()` ends all three (idempotent, safe after a failed start).
 */
import { startApi, type ApiServer, type StartApiOptions } from "./api-server";
import { HOST, reservePort, type ReservedPort } from "./free-port";
import { launchBrowser, type LaunchBrowserOptions, type TestBrowser } from "./browser";
import { publishBundle } from "./publish";
import { seedPairs } from "./seed-pairs";
import { startWeb, type WebApp } from "./web-app";

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Bundle folders to publish, in order, each to its channel. */
  readonly bundles?: readonly { readonly dir: string; readonly channel: "stable" | "beta" }[];
  /** Approved image–caption concepts to import (see seedPairs); none by default. */
  readonly seedPairs?: number;
  readonly browser?: LaunchBrowserOptions;
  readonly api?: StartApiOptions;
}

/** A running stack. */
export interface Stack {
  readonly api: ApiServer;
  readonly web: WebApp;
  readonly browser: TestBrowser;
  stop(): Promise<void>;
}

/** Starts API, web build and browser; see the file header. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const parts: { api?: ApiServer; web?: WebApp; browser?: TestBrowser } = {};
  let reserved: ReservedPort | undefined;
  const stop = async () => {
    await reserved?.release(); // a start-up that failed before the web app took the port
    reserved = undefined;
    await parts.browser?.close();
    await parts.web?.stop();
    await parts.api?.stop();
  };
  try {
    // The app's origin is known before the API starts, so the API can let its /moderate page call admin routes.
    // The port stays bound (reserved) while the API starts, so workerd cannot take it in the meantime.
    reserved = await reservePort();
    const webPort = reserved.port;
    const vars = { ADMIN_ORIGINS: `http://${HOST}:${webPort}`, ...options.api?.vars };
    const api = (parts.api = await startApi({ ...options.api, vars }));
    for (const bundle of options.bundles ?? []) await publishBundle(api.url, bundle.dir, bundle.channel);
    if (options.seedPairs) await seedPairs(api.url, options.seedPairs);
    await reserved.release();
    reserved = undefined;
    const web = (parts.web = await startWeb(api.url, webPort));
    const browser = (parts.browser = await launchBrowser(options.browser));
    return { api, web, browser, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
