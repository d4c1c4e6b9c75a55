// Entry of the `commonspace-tokenizer` CLI (Node-only; bin/cli.mjs runs it): dispatches train / encode.
import { parseArgs } from "node:util";
import { TokenizerError } from "../errors";
import { runEncode } from "./encode-command";
import { runTrain } from "./train-command";
import { CliUsageError } from "./usage-error";

/** Where the CLI writes; tests capture it. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The help text. */
export const USAGE = `Usage:
  commonspace-tokenizer train --input <captions> --vocab-size <n> --out <tokenizer.json>
      [--min-frequency <n>=2] [--input-format text|ndjson|json] [--field <dotted.path>]
      [--config-out <tokenizer_config.json>]
  commonspace-tokenizer encode --tokenizer <tokenizer.json> --input <captions> --length <n> --out <file>
      [--input-format text|ndjson|json] [--field <dotted.path>] [--padding right|left]
      [--no-special-tokens] [--no-truncation]

Input: .txt one caption per line; .ndjson/.jsonl one JSON value per line; .json one array. JSON values are
strings, or objects with the caption at --field (e.g. caption.text).
Output of encode, by the extension of --out: .bin raw little-endian int32 (rows × length) plus <out>.mask
(uint8) and <out>.json (sidecar with the shape); .ndjson one {"ids","attention_mask"} per line; .json one
object. Row i is record i of the input, always.
`;

const OPTIONS = {
  input: { type: "string" },
  out: { type: "string" },
  tokenizer: { type: "string" },
  length: { type: "string" },
  "vocab-size": { type: "string" },
  "min-frequency": { type: "string" },
  "input-format": { type: "string" },
  field: { type: "string" },
  "config-out": { type: "string" },
  padding: { type: "string" },
  "no-special-tokens": { type: "boolean" },
  "no-truncation": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code: 0 on success, 1 when
 * the input or tokenizer is bad, 2 for a bad command line. Error messages go to stderr, without stacks.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
    const [command, ...extra] = positionals;
    if (values.help === true || command === "help") {
      io.stdout(USAGE);
      return 0;
    }
    if (extra.length > 0) throw new CliUsageError(`unexpected argument "${extra[0]}".`);
    if (command === "train") return await runTrain(values, io);
    if (command === "encode") return await runEncode(values, io);
    throw new CliUsageError(command === undefined ? "missing command." : `unknown command "${command}".`);
  } catch (error) {
    const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
    if (error instanceof CliUsageError || (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS"))) {
      io.stderr(`commonspace-tokenizer: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof TokenizerError || code === "ENOENT" || code === "EISDIR" || code === "EACCES") {
      io.stderr(`commonspace-tokenizer: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}
