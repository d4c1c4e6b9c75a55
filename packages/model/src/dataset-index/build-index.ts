// Builds a model version's dataset index (index-format.ts) from approved images and their captions with that
// version's own CLIP image encoder — the very ONNX graph browsers run, so a query embedded on a device lands
// in the same space as the index. No I/O here: build-cli.ts reads the export and writes the files.
import type { BundleRole } from "@commonspace/manifest";
import type { RgbaImage } from "../image";
import type { Model } from "../model";
import { encodePng } from "../png";
import { buildAtlas, thumbnail } from "./atlas";
import { clusterMap } from "./clusters";
import {
  DATASET_INDEX_FORMAT,
  EMBEDDING_ENCODING,
  encodeEmbeddings,
  type DatasetIndex,
} from "./index-format";
import { layoutEmbeddings, type LayoutOptions } from "./layout";

/** One approved image of the export, with every approved caption of it. */
export interface IndexItem {
  readonly sha256: string;
  readonly image: RgbaImage;
  readonly source: string;
  readonly licence: string;
  readonly attribution: string;
  readonly captions: readonly string[];
}

/** Options of {@link buildDatasetIndex}. */
export interface BuildIndexOptions {
  readonly layout?: LayoutOptions;
  /** Thumbnail side in the atlas (default 12: ~1.7 MB per 10k images; 0: no atlas). */
  readonly tile?: number;
  /** Images per CLIP call (default 64). */
  readonly batch?: number;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
  /** index.json's `built` (default now). */
  readonly built?: string;
}

/** A file of the index, to write beside the bundle and list in card.json. */
export interface IndexFile {
  readonly name: string;
  readonly role: BundleRole;
  readonly bytes: Uint8Array;
}

/** The index and its files, with how long each stage took (ms). */
export interface BuiltIndex {
  readonly index: DatasetIndex;
  readonly files: readonly IndexFile[];
  readonly timings: { readonly embed: number; readonly layout: number; readonly atlas: number };
}

/** Embeds, lays out, clusters and thumbnails `items`; see the file header. */
export async function buildDatasetIndex(
  model: Model,
  items: readonly IndexItem[],
  options: BuildIndexOptions = {},
): Promise<BuiltIndex> {
  const dim = model.card.clip.embedDim;
  const batch = options.batch ?? 64;
  let started = performance.now();
  const vectors: Float32Array[] = [];
  for (let at = 0; at < items.length; at += batch) {
    vectors.push(...(await model.embedImage(items.slice(at, at + batch).map((item) => item.image))));
    options.onProgress?.("embed", Math.min(at + batch, items.length), items.length);
  }
  const embed = performance.now() - started;
  started = performance.now();
  options.onProgress?.("layout", 0, items.length);
  const layout = layoutEmbeddings(vectors, options.layout);
  const { assignment, clusters } = clusterMap(
    layout.x,
    layout.y,
    items.map((item) => item.captions),
  );
  const layoutMs = performance.now() - started;
  started = performance.now();
  const tile = options.tile ?? 12;
  const atlas =
    tile > 0
      ? buildAtlas(
          items.map((item) => thumbnail(item.image, tile)),
          tile,
        )
      : undefined;
  const atlasPng = atlas && (await encodePng(atlas.image, { filter: "adaptive" }));
  const atlasMs = performance.now() - started;

  const table = (values: readonly string[]) => {
    const list = [...new Set(values)];
    const at = new Map(list.map((value, i) => [value, i]));
    return { list, ids: values.map((value) => at.get(value) as number) };
  };
  const sources = table(items.map((item) => item.source));
  const licences = table(items.map((item) => item.licence));
  const attributions = table(items.map((item) => item.attribution));
  const round = (value: number) => Math.round(value * 1e4) / 1e4;
  const index: DatasetIndex = {
    format: DATASET_INDEX_FORMAT,
    model: { name: model.card.name, version: model.card.version },
    built: options.built ?? new Date().toISOString(),
    count: items.length,
    dim,
    embeddings: { encoding: EMBEDDING_ENCODING },
    layout: layout.params,
    atlas: atlas ? { tile, columns: atlas.columns } : null,
    sources: sources.list,
    licences: licences.list,
    attributions: attributions.list,
    clusters: clusters.map((c) => ({ ...c, x: round(c.x), y: round(c.y) })),
    images: {
      sha256: items.map((item) => item.sha256),
      source: sources.ids,
      licence: licences.ids,
      attribution: attributions.ids,
      cluster: Array.from(assignment),
      x: Array.from(layout.x, round),
      y: Array.from(layout.y, round),
      caption: items.map((item) => item.captions[0] ?? ""),
    },
  };
  const files: IndexFile[] = [
    { name: "index.json", role: "dataset-index", bytes: new TextEncoder().encode(JSON.stringify(index)) },
    { name: "index-embeddings.bin", role: "dataset-embeddings", bytes: encodeEmbeddings(vectors, dim) },
  ];
  if (atlasPng) files.push({ name: "index-atlas.png", role: "dataset-atlas", bytes: atlasPng });
  return { index, files, timings: { embed, layout: layoutMs, atlas: atlasMs } };
}
