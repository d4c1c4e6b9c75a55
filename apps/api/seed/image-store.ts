// Content-addressed PNG folder (`.cache/images/<sha256>.png`) and the cache of earlier SVG renders.
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";

/** Lower-case hex SHA-256 of bytes or text. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

const IMAGE_FILE = /^[0-9a-f]{64}\.png$/;

/** Writes a file through a temporary name, so a crash never leaves half a file under the final name. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** PNGs stored by the SHA-256 of their bytes; writing an image that is already there is free. */
export class ImageStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  /** Path of an image by hash. */
  path(sha256: string): string {
    return join(this.dir, `${sha256}.png`);
  }

  has(sha256: string): boolean {
    return existsSync(this.path(sha256));
  }

  /** Stores the PNG (unless present) and returns its SHA-256. */
  put(png: Uint8Array): string {
    const sha = sha256Hex(png);
    if (!this.has(sha)) writeFileAtomic(this.path(sha), png);
    return sha;
  }

  read(sha256: string): Uint8Array {
    return new Uint8Array(readFileSync(this.path(sha256)));
  }

  /** Deletes stored images not in `keep` (left over from earlier builds); returns how many. */
  prune(keep: ReadonlySet<string>): number {
    let removed = 0;
    for (const file of readdirSync(this.dir).sort()) {
      if (IMAGE_FILE.test(file) && !keep.has(file.slice(0, 64))) {
        unlinkSync(join(this.dir, file));
        removed++;
      }
    }
    return removed;
  }
}

/**
 * Maps the hash of an SVG render input (rasteriser id + SVG text) to the hash of the PNG it produced, so a
 * rebuild skips resvg for unchanged icons. Saved sorted, with only the entries used by the last build.
 */
export class RenderCache {
  readonly #path: string;
  readonly #previous: Map<string, string>;
  readonly #used = new Map<string, string>();

  constructor(path: string) {
    this.#path = path;
    const saved = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, string>) : {};
    this.#previous = new Map(Object.entries(saved));
  }

  /** PNG hash previously rendered from this input key, if any. */
  get(inputKey: string): string | undefined {
    return this.#previous.get(inputKey);
  }

  /** Records the PNG hash for this input key in the next saved cache. */
  set(inputKey: string, pngSha256: string): void {
    this.#used.set(inputKey, pngSha256);
  }

  save(): void {
    const sorted = Object.fromEntries([...this.#used].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    writeFileAtomic(this.#path, `${JSON.stringify(sorted, null, 0)}\n`);
  }
}
