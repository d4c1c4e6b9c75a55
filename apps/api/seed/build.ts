// `npm run seed:build`: every source -> 64x64 PNGs in .cache/images and one seed item per image in
// .cache/seed.ndjson, in a fixed order with identical bytes on every run.
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { catalogWords, createEmojiCatalog, type EmojiCatalog } from "./emoji-catalog";
import { ImageStore, RenderCache, sha256Hex, writeFileAtomic } from "./image-store";
import { mergeDuplicates, type PlacedImage } from "./merge-duplicates";
import { createPackageFiles, type PackageFiles } from "./package-files";
import { toSeedPng } from "./png";
import { RASTERISER_ID, rasteriseSvg } from "./rasterise";
import { formatSeedItem } from "./seed-file";
import { emojiDatasourceSource } from "./sources/emoji-datasource";
import { iconifySource, iconifyVocabulary } from "./sources/iconify";
import { ICONIFY_SETS } from "./sources/iconify-sets";
import { openmojiSource } from "./sources/openmoji";
import type { SeedCandidate, SourceResult } from "./sources/seed-candidate";
import type { SeedItem } from "./types";

/** Per-source numbers of one build. */
export interface SourceStats {
  source: string;
  /** Candidates the source proposed (after its own skips). */
  candidates: number;
  /** Seed items from this source after merging identical images. */
  images: number;
  captions: number;
  /** Candidates whose PNG bytes another candidate (any source) already had. */
  duplicates: number;
  /** SVGs rasterised in this run (0 when every render was cached). */
  rendered: number;
  skipped: Record<string, number>;
  seconds: number;
}

/** Result of {@link buildSeed}. */
export interface BuildReport {
  sources: SourceStats[];
  images: number;
  captions: number;
  concepts: number;
  pruned: number;
  seconds: number;
}

/** Where the build reads packages from and writes its cache. */
export interface BuildOptions {
  seedDir: string;
  log?: (line: string) => void;
}

function loadCatalog(files: PackageFiles): EmojiCatalog {
  return createEmojiCatalog({
    emojiJson: files.readJson("emoji-datasource-google/emoji.json"),
    openmojiJson: files.readJson("openmoji/data/openmoji.json"),
    emojilib: files.readJson("emojilib/dist/emoji-en-US.json"),
  });
}

/** The sources in build order, each loaded only when its turn comes. */
function sourcesInOrder(files: PackageFiles, catalog: EmojiCatalog): (() => SourceResult)[] {
  const vocabulary = new Set([...catalogWords(catalog), ...iconifyVocabulary(files, ICONIFY_SETS)]);
  const context = { files, catalog, vocabulary };
  return [
    () => emojiDatasourceSource("google", files, catalog),
    () => emojiDatasourceSource("twitter", files, catalog),
    () => openmojiSource(files, catalog),
    ...ICONIFY_SETS.map((config) => () => iconifySource(config, context)),
  ];
}

const byKey = (a: SeedCandidate, b: SeedCandidate): number =>
  a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0;

/** Stores every candidate's PNG (rendering SVGs the render cache does not know) and lists the placements. */
class ImagePlacer {
  readonly placements: PlacedImage[] = [];
  readonly store: ImageStore;
  readonly renders: RenderCache;
  readonly files: PackageFiles;

  constructor(cacheDir: string, files: PackageFiles) {
    this.store = new ImageStore(join(cacheDir, "images"));
    this.renders = new RenderCache(join(cacheDir, "render-cache.json"));
    this.files = files;
  }

  imageOf(candidate: SeedCandidate, stats: SourceStats): string {
    const image = candidate.image;
    if (image.kind === "png") return this.store.put(toSeedPng(this.files.readBytes(image.path)));
    const key = sha256Hex(`${RASTERISER_ID}\n${image.svg}`);
    let sha = this.renders.get(key);
    if (sha === undefined || !this.store.has(sha)) {
      sha = this.store.put(rasteriseSvg(image.svg));
      stats.rendered++;
    }
    this.renders.set(key, sha);
    return sha;
  }

  place(result: SourceResult): SourceStats {
    const started = performance.now();
    const { source, candidates } = result;
    const stats: SourceStats = {
      source,
      candidates: candidates.length,
      images: 0,
      captions: 0,
      duplicates: 0,
      rendered: 0,
      skipped: { ...result.skipped },
      seconds: 0,
    };
    for (const candidate of [...candidates].sort(byKey)) {
      if (candidate.captions.length === 0) {
        stats.skipped["no caption"] = (stats.skipped["no caption"] ?? 0) + 1;
        continue;
      }
      const sha256 = this.imageOf(candidate, stats);
      const { licence, attribution, concept, category, captions } = candidate;
      this.placements.push({ sha256, source, licence, attribution, concept, category, captions });
    }
    stats.seconds = (performance.now() - started) / 1000;
    return stats;
  }
}

function countItems(
  stats: SourceStats[],
  placements: readonly PlacedImage[],
  items: readonly SeedItem[],
): void {
  const bySource = new Map(stats.map((s) => [s.source, s]));
  for (const p of placements) (bySource.get(p.source) ?? { duplicates: 0 }).duplicates++;
  for (const item of items) {
    const s = bySource.get(item.source);
    if (s === undefined) continue;
    s.images++;
    s.captions += item.captions.length;
  }
  for (const s of stats) s.duplicates -= s.images;
}

/** Runs the whole build; see the file header. */
export function buildSeed(options: BuildOptions): BuildReport {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const cacheDir = join(options.seedDir, ".cache");
  mkdirSync(cacheDir, { recursive: true });
  const files = createPackageFiles(options.seedDir);
  const placer = new ImagePlacer(cacheDir, files);
  const sources = sourcesInOrder(files, loadCatalog(files)).map((load) => placer.place(load()));
  const items = mergeDuplicates(placer.placements);
  countItems(sources, placer.placements, items);
  sources.forEach((s) => log(formatStats(s)));
  writeFileAtomic(join(cacheDir, "seed.ndjson"), items.map((i) => `${formatSeedItem(i)}\n`).join(""));
  placer.renders.save();
  const pruned = placer.store.prune(new Set(items.map((i) => i.sha256)));
  const report: BuildReport = {
    sources,
    images: items.length,
    captions: items.reduce((n, i) => n + i.captions.length, 0),
    concepts: new Set(items.map((i) => i.concept)).size,
    pruned,
    seconds: (performance.now() - started) / 1000,
  };
  // The saved report holds only what the output determines (no timings, renders or prunes), so it is
  // byte-identical across runs like the rest of .cache.
  const stable = {
    ...report,
    pruned: undefined,
    seconds: undefined,
    sources: sources.map((s) => ({ ...s, rendered: undefined, seconds: undefined })),
  };
  writeFileAtomic(join(cacheDir, "build-report.json"), `${JSON.stringify(stable, null, 2)}\n`);
  return report;
}

function formatStats(s: SourceStats): string {
  const skipped = Object.entries(s.skipped)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");
  return (
    `${s.source.padEnd(40)} ${String(s.images).padStart(5)} images ${String(s.captions).padStart(6)} captions ` +
    `(${s.candidates} candidates, ${s.duplicates} duplicates, ${s.rendered} rendered, ${s.seconds.toFixed(1)} s)` +
    (skipped ? `; skipped: ${skipped}` : "")
  );
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

/** CLI entry (`node seed/run.mjs seed/build.ts`). */
export function main(context: { seedDir: string }): void {
  const report = buildSeed({ seedDir: context.seedDir, log: (line) => console.log(line) });
  const megabytes = folderBytes(join(context.seedDir, ".cache")) / 1e6;
  console.log(
    `total: ${report.images} images, ${report.captions} captions, ${report.concepts} concepts; ` +
      `${report.pruned} stale images pruned; .cache ${megabytes.toFixed(1)} MB; ${report.seconds.toFixed(1)} s`,
  );
}
