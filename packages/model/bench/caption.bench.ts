// Best-of-8 captioning, the way `model.caption(image, { candidates: 8 })` decodes it: the 8 candidates (greedy,
// then 7 sampled at 0.7) one after another at batch 1, each feeding the image prefix again (the baseline, as
// before runCaptions), against one batch that runs the prefix once and steps all 8 rows together. Text ids only:
// the CLIP pick after them is the same for both. One process, onnxruntime-web wasm, one thread; rounds
// alternate the two so machine load hits both alike; the median counts. Also prints how many of the candidate
// captions come out identical (float sums differ in order between batch 1 and batch 8).
// Run: `node packages/model/bench/caption.mjs [bundle]` (default models/default), docs/BENCHMARKS.md.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createSession } from "../src/backend";
import { runCaption, runCaptions } from "../src/caption";
import { candidateOptions } from "../src/caption-candidates";
import { createModel } from "../src/model";
import { loadBundleFromDirectory } from "../src/node/directory";
import { decodePng } from "../src/png";

const CANDIDATES = 8;

export async function main(dir: string, imagesDir: string, rounds = 5): Promise<void> {
  const bundle = await loadBundleFromDirectory(dir);
  const card = bundle.card;
  const model = createModel(bundle);
  const files = readdirSync(imagesDir)
    .filter((f) => f.endsWith(".png"))
    .sort();
  const images = await Promise.all(files.map((f) => decodePng(readFileSync(join(imagesDir, f)))));
  const codes = await model.encodeImages(images);
  const step = await createSession(bundle.files.get("gpt-step")!.bytes, { label: "gpt-step" });
  const rows = Array.from({ length: CANDIDATES }, (_, i) => candidateOptions({}, i));
  const sequential = async (c: Int32Array) => {
    const out: number[][] = [];
    for (const o of rows) out.push(await runCaption(step, card, c, o));
    return out;
  };
  const batched = (c: Int32Array) => runCaptions(step, card, c, rows);
  let same = 0;
  let total = 0;
  for (const c of codes) {
    const [a, b] = [await sequential(c), await batched(c)];
    a.forEach((ids, i) => ((total += 1), (same += Number(ids.join() === b[i]!.join()))));
  }
  const times: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    for (const [k, run] of [sequential, batched].entries()) {
      const started = performance.now();
      for (const c of codes) await run(c);
      times[k]!.push((performance.now() - started) / codes.length);
    }
  }
  const [seq, bat] = times.map(median) as [number, number];
  console.log(`bundle: ${dir} (${card.name} ${card.version}); ${codes.length} images from ${imagesDir}`);
  console.log(`onnxruntime-web wasm, one thread; median of ${rounds} interleaved rounds\n`);
  console.log(
    "| best of 8, text ids (ms per caption) | 8 × batch 1 (baseline) | one batch of 8 | speed-up |",
  );
  console.log("|---|---|---|---|");
  console.log(
    `| ${card.vq.grid ** 2 + 2}-token prefix, ≤ ${card.text.captionLen} text steps | ${seq.toFixed(1)} | ${bat.toFixed(1)} | ${(seq / bat).toFixed(2)}x |`,
  );
  console.log(`\nidentical candidates: ${same} of ${total}`);
  await model.dispose();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
