// Writes fixed-length encodings for the Python trainer: raw int32 + sidecar, NDJSON or JSON. Node-only.
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import type { FixedEncoding } from "../tokenizer";

/** How `encode` writes its output: chosen by the `--out` extension. */
export type OutputFormat = "int32" | "ndjson" | "json";

/** Facts recorded next to the ids (in the sidecar, or the JSON output). */
export interface EncodingMetadata {
  readonly length: number;
  readonly padId: number;
  readonly addSpecialTokens: boolean;
  readonly padding: "right" | "left";
  readonly tokenizerSha256: string;
  readonly input: string;
}

/** `.ndjson`/`.jsonl` → ndjson, `.json` → json, anything else (e.g. `.bin`) → raw int32. */
export function outputFormatOf(path: string): OutputFormat {
  if (/\.(ndjson|jsonl)$/i.test(path)) return "ndjson";
  if (/\.json$/i.test(path)) return "json";
  return "int32";
}

function summary(rows: readonly FixedEncoding[], meta: EncodingMetadata): Record<string, unknown> {
  return {
    shape: [rows.length, meta.length],
    pad_id: meta.padId,
    add_special_tokens: meta.addSpecialTokens,
    padding: meta.padding,
    truncated_rows: rows.filter((row) => row.truncated).length,
    tokenizer_sha256: meta.tokenizerSha256,
    input: meta.input,
  };
}

/**
 * Writes the rows and returns the paths written. For `int32`: `path` holds little-endian int32 ids of shape
 * (rows, length), `path.mask` uint8 attention masks of the same shape, `path.json` the sidecar.
 */
export async function writeEncodings(
  path: string,
  rows: readonly FixedEncoding[],
  meta: EncodingMetadata,
): Promise<string[]> {
  const format = outputFormatOf(path);
  if (format === "ndjson") {
    const lines = rows.map((row) =>
      JSON.stringify({ ids: [...row.ids], attention_mask: [...row.attentionMask] }),
    );
    await writeFile(path, lines.length === 0 ? "" : `${lines.join("\n")}\n`);
    return [path];
  }
  if (format === "json") {
    const ids = rows.map((row) => [...row.ids]);
    const attentionMask = rows.map((row) => [...row.attentionMask]);
    const document = {
      format: "commonspace-token-ids",
      version: 1,
      ...summary(rows, meta),
      ids,
      attention_mask: attentionMask,
    };
    await writeFile(path, `${JSON.stringify(document)}\n`);
    return [path];
  }
  const ids = new DataView(new ArrayBuffer(rows.length * meta.length * 4));
  const mask = new Uint8Array(rows.length * meta.length);
  rows.forEach((row, r) => {
    row.ids.forEach((id, c) => ids.setInt32((r * meta.length + c) * 4, id, true));
    mask.set(row.attentionMask, r * meta.length);
  });
  const sidecar = {
    format: "commonspace-token-ids",
    version: 1,
    ids_file: basename(path),
    ids_dtype: "<i4",
    mask_file: `${basename(path)}.mask`,
    mask_dtype: "|u1",
    ...summary(rows, meta),
  };
  await writeFile(path, new Uint8Array(ids.buffer));
  await writeFile(`${path}.mask`, mask);
  await writeFile(`${path}.json`, `${JSON.stringify(sidecar, null, 2)}\n`);
  return [path, `${path}.mask`, `${path}.json`];
}
