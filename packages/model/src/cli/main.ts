// The `commonspace` CLI: generate, caption, rank and info, on the same runtime as the browser (onnxruntime-web
// on wasm). Returns an exit code instead of exiting, so tests can call it in-process.
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ModelBundle } from "../bundle/bundle";
import type { TrustedKey } from "../bundle/keys";
import { ModelStore } from "../bundle/model-store";
import { ModelError } from "../errors";
import { imageGrid, scaleImage } from "../image";
import { createModel, type Model } from "../model";
import { createFileCache } from "../node/file-cache";
import { defaultCacheDir } from "../node/cache-dir";
import { loadBundleFromDirectory } from "../node/directory";
import { decodePng, encodePng } from "../png";
import { parseCliArgs, USAGE, type CliArgs } from "./args";

/** Where the CLI runs. */
export interface CliContext {
  cwd: string;
  /** packages/model, to find the repository's models/default. */
  packageDir: string;
  /** Output lines (default stdout / stderr). */
  log?: (line: string) => void;
  error?: (line: string) => void;
  fetch?: typeof fetch;
  /** Manifest keys to trust with --api (default: the shipped keys for that origin). */
  trustedKeys?: readonly TrustedKey[];
}

const COMMANDS = new Set(["generate", "caption", "rank", "info"]);

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], context: CliContext): Promise<number> {
  const log = context.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const error = context.error ?? ((line: string) => process.stderr.write(`${line}\n`));
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help || !args.command) {
    (args.help ? log : error)(USAGE);
    return args.help ? 0 : 2;
  }
  if (!COMMANDS.has(args.command)) return usage(error, `unknown command "${args.command}"`);
  try {
    const model = createModel(await loadBundle(args, context, log));
    try {
      return await run(model, args, context, log, error);
    } finally {
      await model.dispose();
    }
  } catch (e) {
    if (!(e instanceof ModelError)) throw e;
    error(`${e.name}: ${e.message}`);
    return 1;
  }
}

async function loadBundle(
  args: CliArgs,
  context: CliContext,
  log: (line: string) => void,
): Promise<ModelBundle> {
  if (!args.api) {
    const dir = args.bundle
      ? resolve(context.cwd, args.bundle)
      : join(context.packageDir, "..", "..", "models", "default");
    return loadBundleFromDirectory(dir, args.precisions ? { precisions: args.precisions } : {});
  }
  const store = new ModelStore({
    api: args.api,
    channel: args.channel,
    cache: createFileCache(args.cache ? resolve(context.cwd, args.cache) : defaultCacheDir()),
    ...(context.fetch && { fetch: context.fetch }),
    ...(context.trustedKeys && { trustedKeys: context.trustedKeys }),
  });
  store.on("warning", (w) => log(`warning: ${w.message}`));
  let shown = -1;
  const result = await store.load({
    ...(args.precisions && { precisions: args.precisions }),
    onProgress: (p) => {
      const percent = Math.floor((100 * p.totalLoaded) / Math.max(1, p.totalBytes));
      if (!p.fromCache && percent >= shown + 10)
        log(`downloading ${p.file}: ${(shown = percent)}% of ${p.totalBytes} bytes`);
    },
  });
  log(`model ${result.bundle.manifest?.model} ${result.bundle.manifest?.version} (${result.status})`);
  return result.bundle;
}

async function run(
  model: Model,
  args: CliArgs,
  context: CliContext,
  log: (line: string) => void,
  error: (line: string) => void,
): Promise<number> {
  const backend = await model.backend();
  switch (args.command) {
    case "info": {
      log(`bundle: ${model.bundle.source}`);
      log(`card: ${model.card.name} ${model.card.version}`);
      const { vq, gpt, text, clip } = model.card;
      log(
        `image ${vq.res}x${vq.res}, ${vq.grid}x${vq.grid} codes of ${vq.codebookSize}; caption ${text.captionLen} ids`,
      );
      log(`gpt ${gpt.nLayer} layers x ${gpt.nHead} heads x ${gpt.headDim}; clip ${clip.embedDim}-d`);
      for (const [role, file] of model.bundle.files)
        log(`file ${role}: ${file.name} (${file.precision ?? "fp32"}, ${file.bytes.length} bytes)`);
      log(`backend: ${backend.name} (${backend.reason})`);
      return 0;
    }
    case "generate": {
      const caption = args.positionals.join(" ");
      if (!caption) return usage(error, "generate needs a caption");
      const started = performance.now();
      const result = await model.generate(caption, {
        count: args.count,
        rerank: args.rerank,
        ...(args.seed !== undefined && { seed: args.seed }),
        ...(args.guidance !== undefined && { guidance: args.guidance }),
        ...(args.topK !== undefined && { topK: args.topK }),
        ...(args.topP !== undefined && { topP: args.topP }),
        ...(args.temperature !== undefined && { temperature: args.temperature }),
      });
      const ms = performance.now() - started;
      const columns = Math.min(result.candidates.length, 4);
      const grid = imageGrid(
        result.candidates.map((c) => scaleImage(c.image, args.scale)),
        columns,
        args.scale,
      );
      const out = resolve(context.cwd, args.out);
      await writeFile(out, await encodePng(grid));
      log(
        `"${caption}" seed ${result.seed}: ${result.candidates.length} images in ${ms.toFixed(0)} ms on ${backend.name}`,
      );
      result.candidates.forEach((c, rank) =>
        log(`  #${rank + 1} candidate ${c.index} clip ${c.score?.toFixed(4) ?? "-"}`),
      );
      log(`wrote ${out}`);
      return 0;
    }
    case "caption": {
      const [file] = args.positionals;
      if (!file) return usage(error, "caption needs an image file");
      log(await model.caption(await decodePng(await readFile(resolve(context.cwd, file)))));
      return 0;
    }
    case "rank": {
      const [file, ...captions] = args.positionals;
      if (!file || captions.length === 0) return usage(error, "rank needs an image file and captions");
      const ranked = await model.rank(await decodePng(await readFile(resolve(context.cwd, file))), captions);
      for (const r of ranked) log(`${r.score.toFixed(4)}  ${(100 * r.probability).toFixed(1)}%  ${r.item}`);
      return 0;
    }
    default:
      return usage(error, `unknown command "${args.command}"`);
  }
}

function usage(error: (line: string) => void, problem: string): number {
  error(`${problem}\n\n${USAGE}`);
  return 2;
}
