#!/usr/bin/env node
// node packages/model/bench/caption.mjs [bundle] [images folder]; see caption.bench.ts.
import { fileURLToPath } from "node:url";
import { importBundled } from "../scripts/bundle-ts.mjs";

const { main } = await importBundled("bench/caption.bench.ts");
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
await main(
  process.argv[2] ?? here("../../../models/default"),
  process.argv[3] ?? here("../test/fixtures/explain"),
);
