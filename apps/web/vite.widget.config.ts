// Build of the embeddable widget (src/widget, docs/widget.md) into `<root>/<version>/`:
//   commonspace-widget.js                 the ES module a host loads (the elements and the model client)
//   model-worker-<hash>.js                the model worker (our runtime + onnxruntime-web's JS), loaded on first use
//   ort-wasm-simd-threaded.jsep.{mjs,wasm} onnxruntime-web's glue and wasm, loaded by the worker when a model runs
//   integrity.json                        the SHA-384 (SRI) of every file above
// and the alias `<root>/latest/commonspace-widget.js`, a one-line module that re-exports the versioned one.
// `npm run build:widget -w apps/web` builds into dist/widget (WIDGET_OUT_DIR moves it); the app's `vite build`
// builds it into the app at /widget/ (vite.config.ts, buildWidgetWithApp).
//
// onnxruntime-web is resolved with its "onnxruntime-web-use-extern-wasm" condition (ort.min.mjs): the worker runs
// on the host's origin but is loaded from ours, so ORT would not use a glue embedded in its bundle anyway (it only
// does so same-origin, see wasm-utils-import.ts) and imports ort-wasm-simd-threaded.jsep.mjs from beside the
// worker module instead; the extern build leaves that glue and the wasm out of the worker (copied here instead).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build, defineConfig, loadEnv, type InlineConfig, type Plugin } from "vite";
import { WIDGET_ENTRY, WIDGET_VERSION } from "./src/widget/version";

const WEB_DIR = dirname(fileURLToPath(import.meta.url));
/** packages/model's own onnxruntime-web, the copy its worker imports. */
const ORT_FROM = createRequire(join(WEB_DIR, "../../packages/model/package.json"));
/** onnxruntime-web files the worker loads at run time (a single-threaded, WebGPU-capable JSEP build). */
export const ORT_RUNTIME_FILES = ["ort-wasm-simd-threaded.jsep.mjs", "ort-wasm-simd-threaded.jsep.wasm"];
/** The file with every file's SRI hash. */
export const INTEGRITY_FILE = "integrity.json";

/** Options of {@link widgetConfig}. */
export interface WidgetBuildOptions {
  /** The folder that gets `<version>/` and `latest/`. */
  readonly outRoot: string;
  /** The API a widget without an `api` attribute talks to ("" for none). */
  readonly apiUrl: string;
  readonly logLevel?: InlineConfig["logLevel"];
}

/** The contents of integrity.json. */
export interface WidgetIntegrity {
  readonly version: string;
  readonly entry: string;
  /** File name → `sha384-<base64>`. */
  readonly files: Record<string, string>;
}

/** The SRI value of `bytes` (what a `<script integrity>` attribute holds). */
export function sriHash(bytes: Uint8Array): string {
  return `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
}

/** Copies onnxruntime-web's run-time files into the output under their own names. */
function ortRuntimeFiles(): Plugin {
  return {
    name: "commonspace-widget-ort-files",
    generateBundle() {
      for (const fileName of ORT_RUNTIME_FILES) {
        const source = readFileSync(ORT_FROM.resolve(`onnxruntime-web/${fileName}`));
        this.emitFile({ type: "asset", fileName, source });
      }
    },
  };
}

/** Writes integrity.json over the finished folder, and the `latest` alias beside it. */
function integrityAndAlias(outRoot: string): Plugin {
  return {
    name: "commonspace-widget-integrity",
    writeBundle(options) {
      const dir = options.dir ?? join(outRoot, WIDGET_VERSION);
      const files: Record<string, string> = {};
      for (const name of readdirSync(dir).sort()) {
        if (name !== INTEGRITY_FILE) files[name] = sriHash(readFileSync(join(dir, name)));
      }
      const integrity: WidgetIntegrity = { version: WIDGET_VERSION, entry: WIDGET_ENTRY, files };
      writeFileSync(join(dir, INTEGRITY_FILE), `${JSON.stringify(integrity, null, 2)}\n`);
      const latest = join(outRoot, "latest");
      mkdirSync(latest, { recursive: true });
      writeFileSync(
        join(latest, WIDGET_ENTRY),
        `// The latest Commonspace widget (${WIDGET_VERSION}); pin /widget/${WIDGET_VERSION}/ with SRI for production.\n` +
          `export * from "../${WIDGET_VERSION}/${WIDGET_ENTRY}";\n`,
      );
    },
  };
}

/** The widget's Vite configuration (used by `vite build -c vite.widget.config.ts` and by the app's build). */
export function widgetConfig(options: WidgetBuildOptions): InlineConfig {
  return {
    configFile: false,
    root: WEB_DIR,
    base: "./",
    publicDir: false,
    envDir: false,
    logLevel: options.logLevel ?? "info",
    resolve: {
      conditions: ["onnxruntime-web-use-extern-wasm", "module", "browser", "development|production"],
    },
    define: { __COMMONSPACE_DEFAULT_API__: JSON.stringify(options.apiUrl.replace(/\/+$/, "")) },
    plugins: [ortRuntimeFiles(), integrityAndAlias(options.outRoot)],
    build: {
      outDir: join(options.outRoot, WIDGET_VERSION),
      emptyOutDir: true,
      assetsDir: "",
      target: "es2022",
      modulePreload: false,
      copyPublicDir: false,
      reportCompressedSize: true,
      rolldownOptions: {
        input: { "commonspace-widget": join(WEB_DIR, "src/widget/index.ts") },
        // Keep the module's exports (the element classes) for hosts that import them.
        preserveEntrySignatures: "strict",
        output: {
          entryFileNames: WIDGET_ENTRY,
          chunkFileNames: "[name]-[hash].js",
          assetFileNames: "[name]-[hash][extname]",
        },
      },
    },
    worker: {
      format: "es",
      rolldownOptions: {
        output: {
          entryFileNames: "[name]-[hash].js",
          chunkFileNames: "[name]-[hash].js",
          codeSplitting: false,
        },
      },
    },
  };
}

/** The API URL a build bakes in: PUBLIC_API_URL from the environment or apps/web/.env*, as the app reads it. */
export function publicApiUrl(mode: string): string {
  return loadEnv(mode, WEB_DIR, "PUBLIC_").PUBLIC_API_URL ?? "";
}

/**
 * Builds the widget into the app's client output (`.svelte-kit/output/client/widget/`) once the app's client
 * build is done and before the adapter copies that folder into the static build, so `vite build` (and so the
 * tests' buildWeb) ships /widget/<version>/ and /widget/latest/ with the app.
 */
export function buildWidgetWithApp(): Plugin {
  let server = false;
  let root = WEB_DIR;
  let mode = "production";
  return {
    name: "commonspace-widget-with-app",
    apply: "build",
    configResolved(config) {
      server = Boolean(config.build.ssr);
      root = config.root;
      mode = config.mode;
    },
    closeBundle: {
      // SvelteKit's adapter runs in its own (sequential) closeBundle of the server build: this goes first.
      order: "pre",
      sequential: true,
      async handler() {
        if (!server) return;
        const outRoot = join(root, ".svelte-kit", "output", "client", "widget");
        await build(widgetConfig({ outRoot, apiUrl: publicApiUrl(mode), logLevel: "warn" }));
      },
    },
  };
}

export default defineConfig(({ mode }) => {
  const outRoot = process.env.WIDGET_OUT_DIR ?? join(WEB_DIR, "dist", "widget");
  const { configFile: _ignored, ...config } = widgetConfig({ outRoot, apiUrl: publicApiUrl(mode) });
  return config;
});
