// Offline tests reload pages that only the app's service worker can serve: wait until it has installed (the
// whole build precached, onnxruntime's wasm included: seconds on an idle machine, far longer on a loaded CI
// one) and controls the page, before cutting the network.
import type { Page } from "playwright-core";

/** Resolves once a service worker is active and controls `page`. */
export async function untilServiceWorkerControls(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((resolve) =>
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }),
      );
  });
}
