// Explore's state: the device's model version and its dataset index (downloaded only when this page opens,
// through the model worker, which keeps the embeddings and does every search), the filters, the selection
// and its details from the API, searches by words (CLIP in the worker, merged with the API's full-text
// search) and by picture (a dropped image, or "more like this"), the model's caption of a picture the person
// dropped or picked, and places for images approved after the index was built (from their nearest indexed
// neighbours). The main thread never runs a model.
import {
  DATASET_INDEX_NAME,
  decodePng,
  type DatasetIndex,
  type ModelClient,
  type Neighbour,
  type RgbaImage,
} from "@commonspace/model/client";
import { api, API_URL } from "$lib/api";
import type { DeviceModel } from "$lib/device-model.svelte";
import { captionPicture, NEIGHBOUR_CAPTIONS, type PictureCaption } from "$lib/picture-caption";
import { mergeResults, placeFromNeighbours } from "./search-merge";

/** One point of the map. */
export interface MapPoint {
  readonly sha256: string;
  readonly x: number;
  readonly y: number;
  readonly source: string;
  readonly licence: string;
  readonly caption: string;
  /** Placed from neighbours: approved after this version's index was built. */
  readonly placed: boolean;
}

/** The selected image with what the API says about it. */
export interface Selection {
  readonly point: number;
  readonly captions: readonly string[];
  readonly attribution: string;
  readonly neighbours: readonly number[];
}

const RESULTS = 10;

/** Explore's state; see the file header. */
export class Explorer {
  phase: "loading" | "ready" | "error" = $state("loading");
  failure: string | undefined = $state();
  index: DatasetIndex | undefined = $state.raw();
  points: MapPoint[] = $state.raw([]);
  atlas: ImageBitmap | undefined = $state.raw();
  /** Filters: the sources and licences shown (all when empty). */
  sources: string[] = $state([]);
  licences: string[] = $state([]);
  results: number[] = $state.raw([]);
  resultsFor: string | undefined = $state();
  searching = $state(false);
  selection: Selection | undefined = $state.raw();
  /** The picture the person dropped or picked, and what the model's captioning makes of it. */
  picked: { readonly image: RgbaImage; readonly label: string } | undefined = $state.raw();
  pickedCaption: PictureCaption | undefined = $state.raw();
  captionFailure: string | undefined = $state();
  captioning = $state(false);
  /** ms from opening the page to the index being ready to draw (the map reports when it drew). */
  readonly openedAt = performance.now();

  private client: ModelClient;

  constructor(private readonly device: DeviceModel) {
    this.client = device.client;
  }

  /** Indices of the points the filters keep. */
  get visible(): number[] {
    const keep = (p: MapPoint) =>
      (this.sources.length === 0 || this.sources.includes(p.source)) &&
      (this.licences.length === 0 || this.licences.includes(p.licence));
    return this.points.flatMap((p, i) => (keep(p) ? [i] : []));
  }

  /** Loads the model (for its version and CLIP) and the index of that version. */
  async open(): Promise<void> {
    try {
      await this.device.ready();
      const { index, atlas } = await this.client.openDatasetIndex();
      this.index = index;
      this.points = index.images.sha256.map((sha256, i) => ({
        sha256,
        x: index.images.x[i] as number,
        y: index.images.y[i] as number,
        source: index.sources[index.images.source[i] as number] ?? "",
        licence: index.licences[index.images.licence[i] as number] ?? "",
        caption: index.images.caption[i] ?? "",
        placed: false,
      }));
      if (atlas) this.atlas = await createImageBitmap(new Blob([atlas as BlobPart], { type: "image/png" }));
      this.phase = "ready";
      void this.placeNewImages();
    } catch (error) {
      this.phase = "error";
      this.failure = error instanceof Error ? error.message : String(error);
    }
  }

  /** Searches by words: CLIP in the worker, merged with the API's full-text matches (exact words first). */
  async searchText(query: string): Promise<void> {
    await this.run(query, async () => {
      const [clip, words] = await Promise.all([
        this.client.search<number>(DATASET_INDEX_NAME, query, RESULTS * 2),
        this.fullText(query),
      ]);
      return mergeResults(clip, words, RESULTS);
    });
  }

  /** Searches by a picture (a dropped file, or any image): its CLIP embedding against the index. */
  async searchImage(image: RgbaImage, label: string): Promise<void> {
    await this.run(label, async () =>
      (await this.client.search<number>(DATASET_INDEX_NAME, image, RESULTS)).map((hit) => hit.key),
    );
  }

  /** A picture the person dropped or picked: remembered (for "caption this") and searched for. */
  async searchPicture(image: RgbaImage, label: string): Promise<void> {
    this.picked = { image, label };
    this.pickedCaption = undefined;
    this.captionFailure = undefined;
    await this.searchImage(image, label);
  }

  /**
   * Captions the picked picture: the device model's own caption (default mode, best of 8 by CLIP) against the
   * first captions of its nearest indexed images, the closest by CLIP (picture-caption.ts).
   */
  async captionPicked(): Promise<void> {
    const picked = this.picked;
    if (!picked || this.captioning) return;
    this.captioning = true;
    this.captionFailure = undefined;
    try {
      const loaded = await this.device.ready();
      // the index this page opened (none: the model's own caption stands, without a note)
      const neighbours = async (image: RgbaImage) => {
        if (!this.index) return [];
        const near = await this.client.search<number>(DATASET_INDEX_NAME, image, NEIGHBOUR_CAPTIONS);
        return near.map((hit) => this.points[hit.key]?.caption ?? "");
      };
      const result = await captionPicture(this.client, picked.image, loaded.defaultMode, neighbours);
      if (this.picked === picked) this.pickedCaption = result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (this.picked === picked) this.captionFailure = `Could not caption it: ${message}`;
    } finally {
      this.captioning = false;
    }
  }

  /** "More like this": the selected point's neighbours by its stored embedding. */
  async moreLikeThis(point: number): Promise<void> {
    const name = this.points[point]?.caption ?? "this image";
    await this.run(`like “${name}”`, async () =>
      (await this.client.similar<number>(DATASET_INDEX_NAME, point, RESULTS)).map((hit) => hit.key),
    );
  }

  /** Selects a point and fetches its captions and attribution. */
  async select(point: number | undefined): Promise<void> {
    if (point === undefined || !this.points[point]) return void (this.selection = undefined);
    const sha256 = this.points[point].sha256;
    const [meta, neighbours] = await Promise.all([
      api.v1.images[":sha256"].meta.$get({ param: { sha256 } }).then((r) => (r.ok ? r.json() : undefined)),
      this.client.similar<number>(DATASET_INDEX_NAME, point, 7),
    ]);
    this.selection = {
      point,
      captions: meta?.captions.map((c) => c.text) ?? [this.points[point].caption],
      attribution: meta?.image.attribution ?? "",
      neighbours: neighbours.map((n) => n.key).filter((key) => key !== point),
    };
  }

  /** A file from a drop or a file input → RGBA (PNG decoded here, other formats by the browser). */
  async imageOf(file: Blob): Promise<RgbaImage> {
    if (file.type === "image/png") return decodePng(new Uint8Array(await file.arrayBuffer()));
    const bitmap = await createImageBitmap(file);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d") as OffscreenCanvasRenderingContext2D;
    context.drawImage(bitmap, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { data, width, height };
  }

  private async run(label: string, search: () => Promise<number[]>): Promise<void> {
    // Without this version's index there is nothing to search: the page already says why (open's failure),
    // and a picture can still be captioned.
    if (!this.index) return;
    this.searching = true;
    try {
      this.results = await search();
      this.resultsFor = label;
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    } finally {
      this.searching = false;
    }
  }

  /** Indexed rows whose approved captions contain the query's words (FTS5 on the API). */
  private async fullText(query: string): Promise<Neighbour<number>[]> {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never state
    const rows = new Map(this.points.map((p, i) => [p.sha256, i]));
    try {
      const res = await api.v1.images.$get({ query: { q: query, limit: String(RESULTS) } });
      if (!res.ok) return [];
      const { items } = await res.json();
      return items.flatMap((item, rank) => {
        const row = rows.get(item.sha256);
        return row === undefined ? [] : [{ key: row, score: 1 - rank / RESULTS }];
      });
    } catch {
      return []; // offline: CLIP search alone still works
    }
  }

  /** Images approved since the index was built: embedded in the worker, placed among their neighbours. */
  private async placeNewImages(): Promise<void> {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never state
    const known = new Set(this.points.map((p) => p.sha256));
    const fresh: MapPoint[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < 300; page++) {
        const res = await api.v1.images.$get({ query: { limit: "100", ...(cursor && { cursor }) } });
        if (!res.ok) return;
        const body = await res.json();
        for (const item of body.items) {
          if (known.has(item.sha256) || item.type !== "image/png") continue;
          const bytes = new Uint8Array(await (await fetch(`${API_URL}${item.url}`)).arrayBuffer());
          const image = await decodePng(bytes);
          const [vector] = await this.client.embedImage([image]);
          if (!vector) continue;
          const hits = await this.client.search<number>(DATASET_INDEX_NAME, vector, 5);
          const near = hits.filter((h) => typeof h.key === "number" && this.points[h.key]);
          const [x, y] = placeFromNeighbours(near.map((h) => ({ ...this.points[h.key]!, score: h.score })));
          const key = this.points.length + fresh.length;
          await this.client.addToIndex(DATASET_INDEX_NAME, [{ key, vector }]);
          fresh.push({
            sha256: item.sha256,
            x,
            y,
            source: item.source,
            licence: item.licence,
            caption: "",
            placed: true,
          });
        }
        if (!body.next_cursor) break;
        cursor = body.next_cursor;
      }
    } finally {
      if (fresh.length) this.points = [...this.points, ...fresh];
    }
  }
}
