// On-device runtime benchmark: the same bundle's graphs in onnxruntime-web (wasm, what browsers without WebGPU
// and Node run) and onnxruntime-node (native CPU, the baseline), one process, one thread each.
//  - per token: the GPT step at batch 1 over a whole text → image stream (L + G² + 1 steps), and at the
//    batch generation uses (8 candidates × 2 guidance rows = 16);
//  - per image: `generate` with 8 candidates, guidance on, CLIP reranking on (prefix, image tokens, VQ decode,
//    CLIP text + image), divided by 8.
// V8 keeps optimising wasm for 5–8 s after load, so each runtime first runs for a fixed time (BENCH_WARMUP_S,
// default 8), then rounds alternate web / native so machine load hits both alike; the median round counts.
// Run: `npm run bench -w packages/model [-- --bundle DIR]` (default: models/default, else the tiny fixture).
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import * as native from "onnxruntime-node";
import { createSession, type ModelSession, type Tensor } from "../src/backend";
import type { ModelBundle } from "../src/bundle/bundle";
import type { ModelCard } from "../src/bundle/card";
import { runGeneration } from "../src/generate";
import { createGenerationEngine, type GenerationSessions, type RunnableSession } from "../src/graphs";
import { KvStream } from "../src/kv-stream";
import { createModel } from "../src/model";
import { loadBundleFromDirectory } from "../src/node/directory";

const CANDIDATES = 8;

interface Runtime {
  name: string;
  sessions: GenerationSessions;
}

/** Runs the benchmark and prints a Markdown table. */
export async function main(argv: readonly string[], packageDir: string): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { bundle: { type: "string" }, rounds: { type: "string" } },
  });
  const fallback = existsSync(join(packageDir, "../../models/default/card.json"))
    ? join(packageDir, "../../models/default")
    : join(packageDir, "test/fixtures/tiny-bundle");
  const dir = resolve(values.bundle ?? fallback);
  const rounds = Number(values.rounds ?? process.env["BENCH_ROUNDS"] ?? 5);
  const warmupS = Number(process.env["BENCH_WARMUP_S"] ?? 8);
  const bundle = await loadBundleFromDirectory(dir);
  const card = bundle.card;
  const ids = createModel(bundle).captionIds("red apple");
  const web: Runtime = { name: "onnxruntime-web (wasm)", sessions: await webSessions(bundle) };
  const nat: Runtime = { name: "onnxruntime-node (native)", sessions: await nativeSessions(bundle) };
  const streamSteps = card.text.captionLen + 1 + card.vq.grid ** 2;
  const tokenRound = (rt: Runtime, batch: number) => async () => {
    const stream = new KvStream(rt.sessions.step, card, batch);
    const tokens = Array.from({ length: batch }, () => card.gpt.bot);
    for (let i = 0; i < streamSteps; i++) await stream.step(tokens);
    return streamSteps;
  };
  const imageRound = (rt: Runtime) => async () => {
    const engine = createGenerationEngine(card, rt.sessions);
    await runGeneration(engine, "red apple", ids, {
      count: CANDIDATES,
      seed: 1,
      guidance: card.sampling.cfgScale,
      previewEvery: 0,
    });
    return CANDIDATES;
  };
  for (const rt of [web, nat]) {
    const end = performance.now() + warmupS * 1000;
    while (performance.now() < end) {
      await tokenRound(rt, 1)();
      await imageRound(rt)();
    }
  }
  const measure = async (round: (rt: Runtime) => () => Promise<number>): Promise<[number, number]> => {
    const times: [number[], number[]] = [[], []];
    for (let r = 0; r < rounds; r++) {
      for (const [k, rt] of [web, nat].entries()) {
        const started = performance.now();
        const units = await round(rt)();
        times[k]!.push((performance.now() - started) / units);
      }
    }
    return [median(times[0]), median(times[1])];
  };
  const rows: [string, [number, number]][] = [
    ["GPT step, batch 1 (ms per token)", await measure((rt) => tokenRound(rt, 1))],
    [
      `GPT step, batch ${2 * CANDIDATES} (ms per token step)`,
      await measure((rt) => tokenRound(rt, 2 * CANDIDATES)),
    ],
    [
      `generate ${CANDIDATES}, guidance ${card.sampling.cfgScale}, reranked (ms per image)`,
      await measure(imageRound),
    ],
  ];
  printReport(card, dir, rounds, warmupS, rows);
}

function printReport(
  card: ModelCard,
  dir: string,
  rounds: number,
  warmupS: number,
  rows: [string, [number, number]][],
): void {
  const { gpt, vq, text } = card;
  console.log(`bundle: ${dir} (${card.name} ${card.version})`);
  console.log(
    `gpt ${gpt.nLayer}x${gpt.nHead}x${gpt.headDim}, T=${gpt.blockSize}, V=${gpt.vocabSize}; ` +
      `${vq.grid}x${vq.grid} codes, caption ${text.captionLen}; one thread each`,
  );
  console.log(
    `node ${process.version}, ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  console.log(`warm-up ${warmupS} s per runtime, median of ${rounds} interleaved rounds\n`);
  console.log("| measurement | onnxruntime-web wasm | onnxruntime-node native | wasm speed vs native |");
  console.log("|---|---|---|---|");
  for (const [label, [w, n]] of rows)
    console.log(`| ${label} | ${w.toFixed(3)} | ${n.toFixed(3)} | ${(n / w).toFixed(2)}x |`);
}

async function webSessions(bundle: ModelBundle): Promise<GenerationSessions> {
  const make = (role: "gpt-step" | "vq-decoder" | "clip-text" | "clip-image"): Promise<ModelSession> =>
    createSession(bundle.files.get(role)!.bytes, { label: role });
  return {
    step: await make("gpt-step"),
    decoder: await make("vq-decoder"),
    clipText: await make("clip-text"),
    clipImage: await make("clip-image"),
  };
}

async function nativeSessions(bundle: ModelBundle): Promise<GenerationSessions> {
  const make = async (
    role: "gpt-step" | "vq-decoder" | "clip-text" | "clip-image",
  ): Promise<RunnableSession> => {
    const session = await native.InferenceSession.create(Buffer.from(bundle.files.get(role)!.bytes), {
      executionProviders: ["cpu"],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
    });
    // onnxruntime-web tensors carry everything the native binding reads (type, dims, data).
    return {
      run: async (feeds) =>
        (await session.run(feeds as unknown as native.InferenceSession.FeedsType)) as unknown as Record<
          string,
          Tensor
        >,
    };
  };
  return {
    step: await make("gpt-step"),
    decoder: await make("vq-decoder"),
    clipText: await make("clip-text"),
    clipImage: await make("clip-image"),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
