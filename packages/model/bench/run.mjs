// Entry of `npm run bench -w packages/model`: bundles bench/runtime.bench.ts (Node 20 runs no TypeScript) and
// runs it. Arguments after `--` go to the benchmark (e.g. `-- --bundle models/default --rounds 7`).
import { fileURLToPath } from "node:url";
import { importBundled } from "../scripts/bundle-ts.mjs";

const { main } = await importBundled("bench/runtime.bench.ts");
await main(process.argv.slice(2), fileURLToPath(new URL("..", import.meta.url)));
