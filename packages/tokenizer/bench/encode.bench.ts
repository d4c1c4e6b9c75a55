// Benchmark: encode throughput of this package vs @huggingface/transformers on the same tokenizer.json and the
// same held-out captions, in one run, after a time-based warm-up; plus BPE training time on 100k captions.
// Run: npm run bench -w packages/tokenizer   (BENCH_WARMUP_MS / BENCH_MEASURE_MS override the durations)
import { PreTrainedTokenizer } from "@huggingface/transformers";
import { createCaptionCorpus } from "../fixtures/caption-corpus";
import { Tokenizer, toTokenizerConfigJson, trainBpe } from "../src/index";

const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3000);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 4000);
const ROUNDS = 3;
const TRAIN_CAPTIONS = 100_000;
const EVAL_CAPTIONS = 20_000;

type Encode = (text: string) => number[];

/** Encodes the corpus at least once and over and over for `ms`; returns captions per second. */
function run(encode: Encode, corpus: readonly string[], ms: number): number {
  let count = 0;
  let checksum = 0;
  const start = performance.now();
  let now = start;
  do {
    for (const text of corpus) checksum += encode(text).length;
    count += corpus.length;
    now = performance.now();
  } while (now - start < ms);
  if (checksum < 0) console.log(checksum); // keeps the work observable
  return (count * 1000) / (now - start);
}

function format(rate: number): string {
  return `${Math.round(rate).toLocaleString("en-US")} captions/s`;
}

function timeTraining(corpus: readonly string[], vocabSize: number): Tokenizer {
  const start = performance.now();
  const tokenizer = trainBpe(corpus, { vocabSize });
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `train: vocab ${vocabSize} on ${corpus.length.toLocaleString("en-US")} captions in ${seconds.toFixed(2)} s`,
  );
  return tokenizer;
}

function main(): void {
  console.log(
    `node ${process.version}, warm-up ${WARMUP_MS} ms, measure ${MEASURE_MS} ms × ${ROUNDS} rounds`,
  );
  const trainCorpus = createCaptionCorpus({ size: TRAIN_CAPTIONS, seed: 21 });
  timeTraining(trainCorpus, 8192);
  const trained = timeTraining(trainCorpus, 4096);
  const json = JSON.parse(JSON.stringify(trained.toJson())) as unknown;
  const corpus = createCaptionCorpus({ size: EVAL_CAPTIONS, seed: 22 });
  const config = toTokenizerConfigJson(trained.spec);

  const coldOurs = Tokenizer.fromJson(json);
  const coldHf = new PreTrainedTokenizer(json, config);
  const cold = [run((t) => coldOurs.encode(t, { addSpecialTokens: true }), corpus, 0)];
  cold.push(run((t) => coldHf.encode(t), corpus, 0));
  console.log(
    `first pass, cold word caches: ours ${format(cold[0] ?? 0)}, transformers.js ${format(cold[1] ?? 0)}`,
  );

  const ours = Tokenizer.fromJson(json);
  const hf = new PreTrainedTokenizer(json, config);
  const encoders: [string, Encode][] = [
    ["ours", (text) => ours.encode(text, { addSpecialTokens: true })],
    ["transformers.js", (text) => hf.encode(text)],
  ];
  const mismatch = corpus.find((text) => encoders[0]?.[1](text).join() !== encoders[1]?.[1](text).join());
  if (mismatch !== undefined) throw new Error(`ids differ on ${JSON.stringify(mismatch)}`);
  for (const [, encode] of encoders) run(encode, corpus, WARMUP_MS);
  const best = new Map<string, number>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, encode] of encoders) {
      const rate = run(encode, corpus, MEASURE_MS);
      best.set(name, Math.max(best.get(name) ?? 0, rate));
      console.log(`round ${round}: ${name.padEnd(16)} ${format(rate)}`);
    }
  }
  const oursBest = best.get("ours") ?? 0;
  const hfBest = best.get("transformers.js") ?? 1;
  console.log(`best: ours ${format(oursBest)}, transformers.js ${format(hfBest)}`);
  console.log(`ratio ours / transformers.js: ${(oursBest / hfBest).toFixed(2)}x (warm word caches)`);
}

main();
