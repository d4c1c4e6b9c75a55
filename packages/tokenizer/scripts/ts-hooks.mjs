// Node module hooks that let Node 20 run this package's TypeScript without a build step:
// `.ts` files are transpiled on load with esbuild (types stripped, nothing bundled, nothing cached on disk),
// and extensionless path imports (the house style, resolved by Vite and esbuild) fall back to `.ts`.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";

const TS_FALLBACKS = [".ts", "/index.ts"];

/** Resolves `./foo` to `./foo.ts` (or `./foo/index.ts`) when Node's own resolution finds nothing. */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const isPath = /^(\.{1,2}\/|\/|file:)/.test(specifier);
    if (!isPath || error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    for (const suffix of TS_FALLBACKS) {
      try {
        return await nextResolve(specifier + suffix, context);
      } catch {
        // try the next candidate; the original error is the one worth reporting
      }
    }
    throw error;
  }
}

/** Transpiles `.ts` modules to JavaScript; everything else loads as usual. */
export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, "utf8");
  const { code } = await transform(source, {
    loader: "ts",
    format: "esm",
    target: "node20",
    sourcemap: "inline",
    sourcefile: path,
  });
  return { format: "module", source: code, shortCircuit: true };
}
