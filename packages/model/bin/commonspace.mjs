#!/usr/bin/env node
// The `commonspace` command (e.g. `npx commonspace generate "red apple" --seed 1 --count 8 --out grid.png`).
// Node 20 cannot run TypeScript, so scripts/bundle-ts.mjs bundles src/cli/main.ts with esbuild into a cached
// module and imports it; there is no build step to remember.
import { fileURLToPath } from "node:url";
import { importBundled } from "../scripts/bundle-ts.mjs";

const { main } = await importBundled("src/cli/main.ts");
const packageDir = fileURLToPath(new URL("..", import.meta.url));
process.exitCode = await main(process.argv.slice(2), { cwd: process.cwd(), packageDir });
