// `node packages/model/scripts/build-index.mjs`: builds the dataset index of a model version and writes the
// bundle again with it (docs/bundle-format.md §8). Reads the approved pairs from the API's export
// (GET /v1/export, NDJSON pages; bytes from GET /v1/images/:sha256) or from a saved export / the seed's
// seed.ndjson with a folder of `<sha256>.png`. The output folder is the bundle (files copied) plus the index
// files, with card.json listing them, ready for apps/api/scripts/publish-bundle.mjs.
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { sha256Hex } from "@commonspace/manifest";
import { ImageFormatError } from "../errors";
import { createModel } from "../model";
import { loadBundleFromDirectory } from "../node/directory";
import { decodePng } from "../png";
import { buildDatasetIndex, type IndexItem } from "./build-index";
import type { LayoutMethod } from "./layout";

/** One image of the export with its captions (before decoding). */
interface ExportImage {
  sha256: string;
  source: string;
  licence: string;
  attribution: string;
  captions: string[];
}

/** Groups export `pair` rows (or seed rows) by image, captions in export order. */
export function imagesOfExport(lines: Iterable<string>, into = new Map<string, ExportImage>()) {
  for (const line of lines) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as Record<string, unknown>;
    if (row["type"] === "pair") {
      const image = row["image"] as Record<string, string>;
      const caption = (row["caption"] as { text: string }).text;
      const sha = image["sha256"] as string;
      const entry = into.get(sha) ?? { ...pick(image), sha256: sha, captions: [] };
      if (!entry.captions.includes(caption)) entry.captions.push(caption);
      into.set(sha, entry);
    } else if (typeof row["sha256"] === "string" && Array.isArray(row["captions"])) {
      // seed.ndjson (apps/api/seed): one image per line, with its captions.
      const seed = row as unknown as ExportImage;
      into.set(seed.sha256, { ...pick(seed as never), sha256: seed.sha256, captions: [...seed.captions] });
    }
  }
  return into;
}

function pick(image: Record<string, string>) {
  return {
    source: image["source"] ?? "",
    licence: image["licence"] ?? "",
    attribution: image["attribution"] ?? "",
  };
}

async function readApiExport(api: string): Promise<Map<string, ExportImage>> {
  const images = new Map<string, ExportImage>();
  let cursor: string | null = "";
  while (cursor !== null) {
    const url: string = `${api}/v1/export?limit=5000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const response: Response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
    const lines: string[] = (await response.text()).split("\n");
    imagesOfExport(lines, images);
    const rows = lines
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; next_cursor?: string | null });
    const last = rows.find((row) => row.type === "end");
    if (!last) throw new Error(`GET ${url} was cut off (no end row): run again.`);
    cursor = last.next_cursor ?? null;
  }
  return images;
}

/** Runs the command; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      bundle: { type: "string", default: "models/default" },
      api: { type: "string" },
      export: { type: "string" },
      images: { type: "string" },
      out: { type: "string" },
      layout: { type: "string", default: "umap" },
      limit: { type: "string" },
      tile: { type: "string", default: "12" },
    },
  });
  if (!values.out || (!values.api && !values.export)) {
    process.stderr.write(
      "usage: build-index.mjs --out DIR [--bundle models/default] (--api URL | --export FILE --images DIR)\n" +
        "       [--layout umap|pca] [--limit N] [--tile 12]\n",
    );
    return 2;
  }
  const api = values.api?.replace(/\/+$/, "");
  const log = (line: string) => process.stdout.write(`index │ ${line}\n`);
  const exported = api
    ? await readApiExport(api)
    : imagesOfExport((await readFile(values.export as string, "utf8")).split("\n"));
  let entries = [...exported.values()];
  if (values.limit) entries = entries.slice(0, Number(values.limit));
  const items: IndexItem[] = [];
  for (const entry of entries) {
    const bytes = api
      ? new Uint8Array(await (await fetch(`${api}/v1/images/${entry.sha256}`)).arrayBuffer())
      : new Uint8Array(await readFile(join(values.images as string, `${entry.sha256}.png`)));
    try {
      items.push({ ...entry, image: await decodePng(bytes) });
    } catch (error) {
      // JPEG / WebP contributions: the runtime decodes PNG only; the page places them from neighbours later.
      if (!(error instanceof ImageFormatError)) throw error;
      log(`skipped ${entry.sha256}: ${error.message}`);
    }
  }
  const bundleDir = resolve(values.bundle);
  const model = createModel(await loadBundleFromDirectory(bundleDir));
  log(`${items.length} images, CLIP of ${model.card.name} ${model.card.version}`);
  const built = await buildDatasetIndex(model, items, {
    layout: { method: values.layout as LayoutMethod },
    tile: Number(values.tile),
    onProgress: (stage, done, total) => done % 2048 < 64 && log(`${stage} ${done}/${total}`),
  });
  await model.dispose();
  await writeBundleWithIndex(bundleDir, resolve(values.out), built.files);
  const sizes = built.files.map((f) => `${f.name} ${f.bytes.length} B`).join(", ");
  log(
    `timings ms: ${JSON.stringify(built.timings, (_, v: unknown) => (typeof v === "number" ? Math.round(v) : v))}`,
  );
  log(`wrote ${values.out}: ${sizes}`);
  return 0;
}

/** Copies the bundle in `from` to `to`, adds `files` (replacing older index files) and lists them in card.json. */
export async function writeBundleWithIndex(
  from: string,
  to: string,
  files: readonly { name: string; role: string; bytes: Uint8Array }[],
): Promise<void> {
  await mkdir(to, { recursive: true });
  const card = JSON.parse(await readFile(join(from, "card.json"), "utf8")) as {
    files: { name: string; role: string; sha256: string; bytes: number }[];
  };
  const roles = new Set(files.map((f) => f.role));
  card.files = card.files.filter((f) => !roles.has(f.role));
  for (const entry of card.files) {
    await copyFile(join(from, entry.name), join(to, entry.name)).catch((error: { code?: string }) => {
      if (error.code !== "ENOENT") throw error; // an extra a folder may lack (publish skips it too)
    });
  }
  for (const file of files) {
    await writeFile(join(to, file.name), file.bytes);
    card.files.push({
      name: file.name,
      role: file.role,
      sha256: await sha256Hex(file.bytes),
      bytes: file.bytes.length,
    });
  }
  await writeFile(join(to, "card.json"), `${JSON.stringify(card, null, 2)}\n`);
}
