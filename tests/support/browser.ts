/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), with the flags from
 * ENVIRONMENT.md that keep it offline and quiet, in a fresh profile per launch.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { makeTempDir } from "./paths";

/** The system Chromium (`apt-get install -y chromium`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

/** Options for {@link launchBrowser}. */
export interface LaunchBrowserOptions {
  /** Extra Chromium flags, e.g. `--enable-unsafe-webgpu`. */
  extraArgs?: readonly string[];
}

/** A browser with its own profile; `close()` ends it and deletes the profile. */
export interface TestBrowser {
  readonly context: BrowserContext;
  /** Opens a new tab that records console errors and uncaught exceptions in `errors`. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/** Raised when the system Chromium is missing. */
export class ChromiumMissingError extends Error {
  override name = "ChromiumMissingError";
}

/** Launches headless Chromium in a fresh temporary profile. */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new ChromiumMissingError(
      `No Chromium at ${CHROMIUM_PATH}. Install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.`,
    );
  }
  const profile = await makeTempDir("chromium");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(options.extraArgs ?? [])],
    viewport: { width: 1100, height: 760 },
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(`uncaught: ${err.message}`));
      page.on("console", (msg) => msg.type() === "error" && errors.push(`console: ${msg.text()}`));
      return { page, errors };
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
