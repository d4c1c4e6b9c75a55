import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { TINY_BUNDLE_DIR } from "../../test/bundle-under-test";
import { BundleFormatError, IntegrityError } from "../errors";
import { loadBundleFromDirectory } from "./directory";

const copies: string[] = [];
afterEach(async () => Promise.all(copies.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

async function copyOfTiny(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "bundle-"));
  copies.push(dir);
  await cp(TINY_BUNDLE_DIR, dir, { recursive: true });
  return dir;
}

describe("loadBundleFromDirectory", () => {
  test("loads every runtime role and the optional maskgit graph, checked against card.json", async () => {
    const bundle = await loadBundleFromDirectory(TINY_BUNDLE_DIR);
    expect([...bundle.files.keys()].sort()).toEqual(
      [
        "card",
        "clip-image",
        "clip-text",
        "gpt-step",
        "maskgit",
        "tokenizer",
        "vq-decoder",
        "vq-encoder",
      ].sort(),
    );
    expect(bundle.files.get("gpt-step")?.precision).toBe("fp16-weights");
    expect(bundle.manifest).toBeUndefined();
  });

  test("refuses a weight file with a flipped byte", async () => {
    const dir = await copyOfTiny();
    const path = join(dir, "clip_text.fp16.onnx");
    const bytes = await readFile(path);
    bytes[200] = (bytes[200] as number) ^ 0x80;
    await writeFile(path, bytes);
    await expect(loadBundleFromDirectory(dir)).rejects.toThrow(IntegrityError);
    await expect(loadBundleFromDirectory(dir)).rejects.toThrow(
      /clip_text\.fp16\.onnx: got \d+ bytes with SHA-256/,
    );
  });

  test("says what is missing when the folder is not a bundle", async () => {
    await expect(loadBundleFromDirectory(tmpdir())).rejects.toBeInstanceOf(BundleFormatError);
  });
});
