#!/usr/bin/env node
// node packages/model/bench/index-search.mjs <bundle folder with a dataset index>; see index-search.ts.
import { importBundled } from "../scripts/bundle-ts.mjs";

const { main } = await importBundled("bench/index-search.ts");
await main(process.argv[2] ?? "/tmp/idx-22k");
