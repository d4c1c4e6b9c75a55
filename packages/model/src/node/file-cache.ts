// BlobCache on the filesystem (Node): `<dir>/sha256/<hex>` for files, `<dir>/records/<key>.json` for records.
// Writes go to a temporary name and are renamed into place, so a crash never leaves a half file under a hash.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { QuotaError } from "../errors";
import type { BlobCache } from "../bundle/cache";
import { isQuotaExceeded } from "../bundle/storage";

/** A cache in the folder `dir` (created on first write). */
export function createFileCache(dir: string): BlobCache {
  const blobDir = join(dir, "sha256");
  const recordDir = join(dir, "records");
  const write = async (folder: string, name: string, data: Uint8Array | string): Promise<void> => {
    await mkdir(folder, { recursive: true });
    const temporary = join(folder, `.${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    try {
      await writeFile(temporary, data);
      await rename(temporary, join(folder, name));
    } catch (error) {
      await rm(temporary, { force: true });
      if (isQuotaExceeded(error)) throw new QuotaError(data.length, undefined, { cause: error });
      throw error;
    }
  };
  const read = async (path: string): Promise<Buffer | undefined> => {
    try {
      return await readFile(path);
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return undefined;
      throw error;
    }
  };
  const recordName = (key: string): string => `${encodeURIComponent(key)}.json`;
  return {
    kind: "filesystem",
    async get(sha256) {
      const bytes = await read(join(blobDir, sha256));
      return bytes && new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    put: (sha256, bytes) => write(blobDir, sha256, bytes),
    delete: (sha256) => rm(join(blobDir, sha256), { force: true }),
    async list() {
      const names = await readdir(blobDir).catch(() => [] as string[]);
      return names.filter((name) => /^[0-9a-f]{64}$/.test(name));
    },
    async readRecord(key) {
      return (await read(join(recordDir, recordName(key))))?.toString("utf8");
    },
    writeRecord: (key, value) => write(recordDir, recordName(key), value),
  };
}
