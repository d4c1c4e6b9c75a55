#!/usr/bin/env node
// Builds the dataset index of a model version (docs/bundle-format.md §8) with that version's CLIP on
// onnxruntime-web (wasm), the runtime browsers use, and writes the bundle again with the index files listed in
// card.json, ready for apps/api/scripts/publish-bundle.mjs. See src/dataset-index/build-cli.ts.
//
//   node packages/model/scripts/build-index.mjs --api http://127.0.0.1:8787 --out /tmp/bundle-with-index
//   node packages/model/scripts/build-index.mjs --export apps/api/seed/.cache/seed.ndjson \
//        --images apps/api/seed/.cache/images --out /tmp/bundle-with-index [--layout umap|pca] [--limit N]
import { importBundled } from "./bundle-ts.mjs";

const { main } = await importBundled("src/dataset-index/build-cli.ts");
process.exitCode = await main(process.argv.slice(2));
