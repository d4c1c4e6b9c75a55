#!/usr/bin/env node
// The `commonspace-tokenizer` command. Node 20 cannot run TypeScript itself, so this registers the esbuild
// transpile hooks (scripts/ts-hooks.mjs) and then imports the CLI source; there is no build step.
import "../scripts/register-ts.mjs";

const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
