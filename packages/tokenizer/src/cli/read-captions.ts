// Reads caption files for the CLI: plain text (one caption per line), NDJSON or a JSON array. Node-only.
import { readFile } from "node:fs/promises";
import { CaptionInputError, CliUsageError } from "./usage-error";

/** How an input file is laid out. */
export type InputFormat = "text" | "ndjson" | "json";

/** One record: a caption, several captions (training only), or nothing where the field is missing. */
export type CaptionRecord = string | string[] | undefined;

/** Options of {@link readCaptionRecords}. */
export interface ReadCaptionsOptions {
  /** Layout; by default from the extension: `.ndjson`/`.jsonl` → ndjson, `.json` → json, else text. */
  format?: InputFormat;
  /** Dotted path of the caption inside JSON objects (e.g. `caption.text`); without it records are strings. */
  field?: string;
}

/** The input format implied by a file name. */
export function inputFormatOf(path: string): InputFormat {
  if (/\.(ndjson|jsonl)$/i.test(path)) return "ndjson";
  if (/\.json$/i.test(path)) return "json";
  return "text";
}

/** Parses a `--input-format` value. */
export function parseInputFormat(value: string | undefined): InputFormat | undefined {
  if (value === undefined || value === "text" || value === "ndjson" || value === "json") return value;
  throw new CliUsageError(`--input-format is "${value}"; expected text, ndjson or json.`);
}

function select(value: unknown, field: string | undefined): unknown {
  if (field === undefined) return value;
  let current = value;
  for (const key of field.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function toRecord(value: unknown, field: string | undefined, path: string, index: number): CaptionRecord {
  const selected = select(value, field);
  if (selected === undefined && field !== undefined) return undefined;
  if (typeof selected === "string") return selected;
  if (Array.isArray(selected) && selected.every((item) => typeof item === "string")) return selected;
  const found = JSON.stringify(selected)?.slice(0, 60) ?? String(selected);
  const fix =
    field === undefined ? "pass --field <dotted.path> to pick the caption out of objects" : "check --field";
  throw new CaptionInputError(path, index + 1, `expected a caption string, found ${found}`, fix);
}

/**
 * Splits file content into records. Text: every line is one caption (an empty line is an empty caption; a
 * final newline does not start another). NDJSON: every non-blank line is one JSON value. JSON: one array.
 */
export function parseCaptionRecords(
  content: string,
  path: string,
  options: ReadCaptionsOptions = {},
): CaptionRecord[] {
  const text = content.startsWith("\uFEFF") ? content.slice(1) : content;
  const format = options.format ?? inputFormatOf(path);
  if (format === "text") {
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === "") lines.pop();
    return lines;
  }
  const parse = (source: string, index: number): unknown => {
    try {
      return JSON.parse(source) as unknown;
    } catch (error) {
      const fix = format === "ndjson" ? "write one JSON value per line" : "write one JSON array";
      throw new CaptionInputError(path, index + 1, `invalid JSON (${(error as Error).message})`, fix);
    }
  };
  if (format === "ndjson") {
    const lines = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
    return lines.map((line, index) => toRecord(parse(line, index), options.field, path, index));
  }
  const values = parse(text, 0);
  if (!Array.isArray(values)) {
    throw new CaptionInputError(path, 1, "expected a JSON array", "wrap the captions in [ … ] or use NDJSON");
  }
  return values.map((value, index) => toRecord(value, options.field, path, index));
}

/** Reads and parses a caption file (see {@link parseCaptionRecords}). */
export async function readCaptionRecords(
  path: string,
  options: ReadCaptionsOptions = {},
): Promise<CaptionRecord[]> {
  return parseCaptionRecords(await readFile(path, "utf8"), path, options);
}
