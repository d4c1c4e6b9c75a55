// Runs this package's TypeScript on Node 20, which cannot strip types itself: esbuild bundles an entry (with
// @commonspace/tokenizer's TypeScript) into one ES module under node_modules/.cache/commonspace-model/ and
// imports it. onnxruntime-web/-node stay external so they find their .wasm and native files beside themselves.
// The bundle is rebuilt only when one of its inputs is newer than it (esbuild's metafile lists them), so a
// warm start costs a few stat calls; a cold build takes ~100 ms.
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const CACHE_DIR = join(PACKAGE_DIR, "node_modules", ".cache", "commonspace-model");
const EXTERNAL = ["onnxruntime-web", "onnxruntime-node", "esbuild"];

/** Bundles `entry` (a path relative to packages/model) if needed and imports it. */
export async function importBundled(entry) {
  const name = relative(PACKAGE_DIR, join(PACKAGE_DIR, entry)).replace(/[\\/]/g, "_").replace(/\.ts$/, "");
  const outfile = join(CACHE_DIR, `${name}.mjs`);
  const metaFile = `${outfile}.meta.json`;
  if (!(await isFresh(outfile, metaFile))) {
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [join(PACKAGE_DIR, entry)],
      absWorkingDir: PACKAGE_DIR,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      external: EXTERNAL,
      sourcemap: "inline",
      metafile: true,
      logLevel: "warning",
    });
    await mkdir(dirname(metaFile), { recursive: true });
    await writeFile(metaFile, JSON.stringify(Object.keys(result.metafile.inputs)));
  }
  return import(pathToFileURL(outfile).href);
}

async function isFresh(outfile, metaFile) {
  try {
    const built = (await stat(outfile)).mtimeMs;
    const inputs = JSON.parse(await readFile(metaFile, "utf8"));
    for (const input of inputs) if ((await stat(join(PACKAGE_DIR, input))).mtimeMs > built) return false;
    return true;
  } catch {
    return false;
  }
}
