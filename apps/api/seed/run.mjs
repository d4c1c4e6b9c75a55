// Runs a seed TypeScript entry on Node 20 without a build step: esbuild bundles it (packages stay external)
// into apps/api/node_modules/.cache/seed-run/ (so bare imports still resolve, and linters skip it), then
// calls its exported `main({ seedDir, argv })`.
// Usage: node seed/run.mjs seed/build.ts [args...]
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const seedDir = dirname(fileURLToPath(import.meta.url));
const [entryArg, ...argv] = process.argv.slice(2);
if (!entryArg) {
  console.error("usage: node seed/run.mjs <entry.ts> [args...]  (e.g. seed/build.ts, seed/to-export.ts)");
  process.exit(2);
}
const entry = resolve(entryArg);
const outDir = join(seedDir, "..", "node_modules", ".cache", "seed-run");
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, `${basename(entry, ".ts")}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "inline",
  logLevel: "warning",
});
const module = await import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
if (typeof module.main !== "function") {
  console.error(`${entryArg} exports no main({ seedDir, argv }); pick an entry such as seed/build.ts`);
  process.exit(2);
}
await module.main({ seedDir, argv });
