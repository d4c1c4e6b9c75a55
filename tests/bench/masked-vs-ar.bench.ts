/**
 * Masked (MaskGIT) against autoregressive decoding: seconds per reranked image, i.e. one `generate` of 8
 * candidates with CLIP reranking divided by 8, each mode with its card's default settings (guidance on, masked
 * steps from card.maskgit.sampling) and no preview decodes, on onnxruntime-web (wasm, in Node: what browsers
 * without WebGPU run) and onnxruntime-node (native CPU), one thread each. V8 keeps optimising wasm for 5–8 s
 * after load, so each backend first runs both modes for BENCH_WARMUP_S; then BENCH_ROUNDS rounds run the four
 * sides in turn, each round starting one side later, so machine noise hits every side alike. Prints per-round
 * times, medians and the ratio autoregressive / masked per backend; asserts nothing about time.
 *   COMMONSPACE_BENCH_BUNDLE=models/default npm run bench -w tests -- masked-vs-ar
 *   (BENCH_ROUNDS, BENCH_WARMUP_S override 7 and 8 s; a bundle without a maskgit graph is skipped)
 */
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import * as native from "onnxruntime-node";
import { describe, it } from "vitest";
import { createSession, type Tensor } from "../../packages/model/src/backend";
import type { ModelBundle } from "../../packages/model/src/bundle/bundle";
import type { ModelCard } from "../../packages/model/src/bundle/card";
import { runGeneration } from "../../packages/model/src/generate";
import {
  createGenerationEngine,
  createMaskedEngine,
  type RunnableSession,
} from "../../packages/model/src/graphs";
import { runMaskedGeneration } from "../../packages/model/src/masked";
import { createModel } from "../../packages/model/src/model";
import { loadBundleFromDirectory } from "../../packages/model/src/node/directory";
import { REPO_ROOT } from "../support/paths";
import { median, ratio, table } from "./report";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 8);
const BUNDLE = resolve(REPO_ROOT, process.env.COMMONSPACE_BENCH_BUNDLE ?? "models/default");
const CANDIDATES = 8;
const CAPTION = "red apple";

type Role = "gpt-step" | "maskgit" | "vq-decoder" | "clip-text" | "clip-image";
type Mode = "autoregressive" | "masked";
/** One generation of CANDIDATES images; resolves to its wall time in seconds. */
type Side = { backend: string; mode: Mode; run: (seed: number) => Promise<number> };

function readCard(): { maskgit?: unknown } | undefined {
  const path = join(BUNDLE, "card.json");
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as { maskgit?: unknown }) : undefined;
}

const card = readCard();
const skipReason = !card
  ? `${BUNDLE} has no card.json (set COMMONSPACE_BENCH_BUNDLE to a bundle folder)`
  : card.maskgit === undefined
    ? `${BUNDLE} has no masked generator (card.json has no "maskgit" section): nothing to compare`
    : undefined;
if (skipReason) console.log(`\nmasked-vs-ar benchmark skipped: ${skipReason}\n`);

async function webSession(bundle: ModelBundle, role: Role): Promise<RunnableSession> {
  return createSession((bundle.files.get(role) as { bytes: Uint8Array }).bytes, { label: role });
}

async function nativeSession(bundle: ModelBundle, role: Role): Promise<RunnableSession> {
  const bytes = (bundle.files.get(role) as { bytes: Uint8Array }).bytes;
  const session = await native.InferenceSession.create(Buffer.from(bytes), {
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
}

/** The two modes of one backend, as timed sides. */
async function sides(
  bundle: ModelBundle,
  backend: string,
  make: (bundle: ModelBundle, role: Role) => Promise<RunnableSession>,
): Promise<Side[]> {
  const c = bundle.card;
  const ids = createModel(bundle).captionIds(CAPTION);
  const [step, maskgit, decoder, clipText, clipImage] = await Promise.all(
    (["gpt-step", "maskgit", "vq-decoder", "clip-text", "clip-image"] as const).map((r) => make(bundle, r)),
  );
  const shared = { decoder: decoder!, clipText: clipText!, clipImage: clipImage! };
  const ar = createGenerationEngine(c, { ...shared, step: step! });
  const masked = createMaskedEngine(c, { ...shared, maskgit: maskgit! });
  const options = (seed: number) => ({ count: CANDIDATES, seed, rerank: true, previewEvery: 0 });
  const timed = async (generate: () => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    await generate();
    return (performance.now() - start) / 1000;
  };
  return [
    {
      backend,
      mode: "autoregressive",
      run: (seed) => timed(() => runGeneration(ar, CAPTION, ids, options(seed))),
    },
    {
      backend,
      mode: "masked",
      run: (seed) => timed(() => runMaskedGeneration(masked, CAPTION, ids, options(seed))),
    },
  ];
}

/** Runs a backend's sides in turn until WARMUP_S have passed, at least twice each. */
async function warmUp(backendSides: readonly Side[]): Promise<void> {
  const start = performance.now();
  let runs = 0;
  while (runs < 2 * backendSides.length || performance.now() - start < WARMUP_S * 1000) {
    await (backendSides[runs % backendSides.length] as Side).run(1000 + runs);
    runs++;
  }
  const label = backendSides[0]?.backend ?? "?";
  console.log(
    `warm-up ${label}: ${runs} generations in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}

/** ROUNDS rounds of every side, each round starting one side later; seconds per image per side. */
async function interleave(all: readonly Side[]): Promise<number[][]> {
  const perImage: number[][] = all.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < all.length; k++) {
      const i = (round + k) % all.length;
      perImage[i]?.push((await (all[i] as Side).run(round + 1)) / CANDIDATES);
    }
  }
  return perImage;
}

function settings(c: ModelCard): string {
  const m = c.maskgit;
  const masked = m
    ? `masked ${m.sampling.steps} steps, guidance ${m.sampling.cfgScale}`
    : "no masked generator";
  return `autoregressive ${c.vq.grid ** 2} codes, guidance ${c.sampling.cfgScale}; ${masked}`;
}

function report(all: readonly Side[], perImage: readonly number[][]): void {
  const ms = (s: number) => (s * 1000).toFixed(1);
  const rounds = Array.from({ length: ROUNDS }, (_, r) => [
    String(r + 1),
    ...perImage.map((v) => ms(v[r] ?? NaN)),
  ]);
  const medians = perImage.map((v) => median(v));
  console.log(`\nms per reranked image (${CANDIDATES} candidates per generate, / ${CANDIDATES}):\n`);
  console.log(
    table(
      ["round", ...all.map((s) => `${s.backend} ${s.mode}`)],
      [...rounds, ["median", ...medians.map(ms)]],
    ),
  );
  const backends = [...new Set(all.map((s) => s.backend))];
  const rows = backends.map((backend) => {
    const of = (mode: Mode) =>
      medians[all.findIndex((s) => s.backend === backend && s.mode === mode)] as number;
    const [ar, masked] = [of("autoregressive"), of("masked")];
    return [backend, ms(ar), ms(masked), ratio(ar, masked)];
  });
  console.log(
    "\n" + table(["backend", "autoregressive (ms/image)", "masked (ms/image)", "AR / masked"], rows),
  );
}

describe("masked vs autoregressive decoding", () => {
  it.skipIf(skipReason !== undefined)("measures seconds per reranked image on wasm and native", async () => {
    const bundle = await loadBundleFromDirectory(BUNDLE);
    const load = () =>
      loadavg()
        .map((l) => l.toFixed(1))
        .join(" ");
    console.log(
      `\n${new Date().toISOString()}, node ${process.version}, ${cpus().length} cores, load ${load()}; ` +
        `bundle ${BUNDLE} (${bundle.card.name} ${bundle.card.version}); ${settings(bundle.card)}; ` +
        `"${CAPTION}"; ${ROUNDS} rounds after ${WARMUP_S} s of warm-up per backend; one thread each`,
    );
    const web = await sides(bundle, "onnxruntime-web wasm", webSession);
    const nat = await sides(bundle, "onnxruntime-node native", nativeSession);
    await warmUp(web);
    await warmUp(nat);
    const all = [...web, ...nat];
    report(all, await interleave(all));
    console.log(`load average at the end ${load()}`);
  });
});
