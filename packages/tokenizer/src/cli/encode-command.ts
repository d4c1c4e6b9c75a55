// `commonspace-tokenizer encode`: tokenizer.json + captions file → fixed-length ids, one row per record.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { PAD_TOKEN } from "../special-tokens";
import { Tokenizer } from "../tokenizer";
import type { CliIo } from "./main";
import { parseInputFormat, readCaptionRecords } from "./read-captions";
import { integerOption } from "./train-command";
import { CaptionInputError, CliUsageError } from "./usage-error";
import { writeEncodings } from "./write-ids";

/** Parsed options of the encode command. */
export interface EncodeCommandOptions {
  tokenizer?: string;
  input?: string;
  out?: string;
  length?: string;
  "input-format"?: string;
  field?: string;
  padding?: string;
  "no-special-tokens"?: boolean;
  "no-truncation"?: boolean;
}

/** Encodes every record and writes the rows; returns the exit code. */
export async function runEncode(options: EncodeCommandOptions, io: CliIo): Promise<number> {
  const { tokenizer: tokenizerPath, input, out } = options;
  if (tokenizerPath === undefined || input === undefined || out === undefined) {
    throw new CliUsageError("--tokenizer, --input and --out are required.");
  }
  const length = integerOption("length", options.length);
  const padding = options.padding ?? "right";
  if (padding !== "right" && padding !== "left") {
    throw new CliUsageError(`--padding is "${padding}"; expected right or left.`);
  }
  const format = parseInputFormat(options["input-format"]);
  const tokenizerBytes = await readFile(tokenizerPath);
  const tokenizer = Tokenizer.fromJson(new TextDecoder().decode(tokenizerBytes));
  const records = await readCaptionRecords(input, { format, field: options.field });
  const addSpecialTokens = options["no-special-tokens"] !== true;
  const truncation = options["no-truncation"] !== true;
  const rows = records.map((record, index) => {
    if (typeof record !== "string") {
      const problem = record === undefined ? `no field ${options.field}` : "a list of captions";
      throw new CaptionInputError(
        input,
        index + 1,
        `found ${problem}`,
        "give exactly one caption per record",
      );
    }
    return tokenizer.encodeFixed(record, length, { addSpecialTokens, truncation, padding });
  });
  const written = await writeEncodings(out, rows, {
    length,
    padId: tokenizer.specialTokenId(PAD_TOKEN),
    addSpecialTokens,
    padding,
    tokenizerSha256: createHash("sha256").update(tokenizerBytes).digest("hex"),
    input,
  });
  const truncated = rows.filter((row) => row.truncated).length;
  io.stderr(
    `encoded ${rows.length} captions × ${length} tokens (${truncated} truncated) → ${written.join(", ")}\n`,
  );
  return 0;
}
