// `commonspace-tokenizer train`: captions file → tokenizer.json (and optionally tokenizer_config.json).
import { writeFile } from "node:fs/promises";
import { toTokenizerConfigJson } from "../hf-format";
import { trainBpe } from "../train";
import type { CliIo } from "./main";
import { parseInputFormat, readCaptionRecords } from "./read-captions";
import { CliUsageError } from "./usage-error";

/** Parsed options of the train command. */
export interface TrainCommandOptions {
  input?: string;
  out?: string;
  "vocab-size"?: string;
  "min-frequency"?: string;
  "input-format"?: string;
  field?: string;
  "config-out"?: string;
}

/** Parses a positive integer option or throws a usage error naming it. */
export function integerOption(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw new CliUsageError(`--${name} is required.`);
  }
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new CliUsageError(`--${name} is "${value}"; expected a positive integer.`);
  }
  return number;
}

function required(name: string, value: string | undefined): string {
  if (value === undefined || value.length === 0) throw new CliUsageError(`--${name} is required.`);
  return value;
}

/** Trains and writes the tokenizer; returns the exit code. */
export async function runTrain(options: TrainCommandOptions, io: CliIo): Promise<number> {
  const input = required("input", options.input);
  const out = required("out", options.out);
  const vocabSize = integerOption("vocab-size", options["vocab-size"]);
  const minFrequency = integerOption("min-frequency", options["min-frequency"], 2);
  const format = parseInputFormat(options["input-format"]);
  const started = performance.now();
  const records = await readCaptionRecords(input, { format, field: options.field });
  const captions = records.flatMap((record) => record ?? []);
  const skipped = records.filter((record) => record === undefined).length;
  const tokenizer = trainBpe(captions, { vocabSize, minFrequency });
  await writeFile(out, `${JSON.stringify(tokenizer.toJson(), null, 2)}\n`);
  if (options["config-out"] !== undefined) {
    await writeFile(
      options["config-out"],
      `${JSON.stringify(toTokenizerConfigJson(tokenizer.spec), null, 2)}\n`,
    );
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const note = skipped > 0 ? ` (${skipped} records without --field ${options.field} skipped)` : "";
  io.stderr(
    `trained ${tokenizer.vocabSize} tokens (${tokenizer.spec.merges.length} merges) on ${captions.length} ` +
      `captions${note} in ${seconds} s → ${out}\n`,
  );
  return 0;
}
