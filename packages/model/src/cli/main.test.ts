import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { API, bundleFiles, FakeApi } from "../../test/fake-api";
import { TINY_BUNDLE_DIR } from "../../test/bundle-under-test";
import { createImage } from "../image";
import { decodePng, encodePng } from "../png";
import { main, type CliContext } from "./main";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
let dir: string;
let lines: string[];
let errors: string[];
let context: CliContext;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-"));
  lines = [];
  errors = [];
  context = { cwd: dir, packageDir, log: (l) => lines.push(l), error: (l) => errors.push(l) };
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("commonspace CLI", () => {
  test("generate writes a grid PNG of the candidates, best first", async () => {
    const code = await main(
      [
        "generate",
        "red",
        "apple",
        "--seed",
        "1",
        "--count",
        "3",
        "--out",
        "grid.png",
        "--scale",
        "2",
        "--bundle",
        TINY_BUNDLE_DIR,
      ],
      context,
    );
    expect(errors).toEqual([]);
    expect(code).toBe(0);
    const grid = await decodePng(await readFile(join(dir, "grid.png")));
    expect([grid.width, grid.height]).toEqual([3 * 64 + 2 * 2, 64]);
    expect(lines[0]).toMatch(/^"red apple" seed 1: 3 images in \d+ ms on wasm$/);
    expect(lines.filter((l) => /^ {2}#\d candidate \d clip -?\d\.\d{4}$/.test(l))).toHaveLength(3);
  });

  test("caption and rank read PNG files", async () => {
    const image = createImage(32, 32);
    image.data.fill(200);
    await writeFile(join(dir, "in.png"), await encodePng(image));
    expect(await main(["caption", "in.png", "--bundle", TINY_BUNDLE_DIR], context)).toBe(0);
    expect(
      await main(["rank", "in.png", "red circle", "blue square", "--bundle", TINY_BUNDLE_DIR], context),
    ).toBe(0);
    expect(
      lines.slice(-2).every((l) => /^-?\d\.\d{4} {2}\d+\.\d% {2}(red circle|blue square)$/.test(l)),
    ).toBe(true);
  });

  test("loads from an API channel into a cache, and the second run downloads nothing", async () => {
    const api = await FakeApi.create();
    await api.publish("v1", await bundleFiles(TINY_BUNDLE_DIR));
    const argv = ["info", "--api", API, "--cache", "cache"];
    const withApi = { ...context, fetch: api.fetch, trustedKeys: [api.trustedKey] };
    expect(await main(argv, withApi)).toBe(0);
    const downloads = api.fileRequests();
    expect(downloads).toBe(8); // six graphs (maskgit included), card.json, tokenizer.json
    expect(await main(argv, withApi)).toBe(0);
    expect(api.fileRequests()).toBe(downloads);
    const status = lines.filter((l) => l.startsWith("model default v1"));
    expect(status).toEqual(["model default v1 (installed)", "model default v1 (current)"]);
  });

  test("answers bad arguments with the usage and exit code 2", async () => {
    expect(await main(["generate", "x", "--count", "many"], context)).toBe(2);
    expect(errors[0]).toMatch(/Option --count is "many", expected a number/);
    expect(await main(["paint"], context)).toBe(2);
    expect(await main([], context)).toBe(2);
  });

  test("--precision picks the int8-weight step graph; info lists the files in use", async () => {
    expect(await main(["info", "--bundle", TINY_BUNDLE_DIR, "--precision", "int8-weights"], context)).toBe(0);
    expect(lines).toContainEqual(
      expect.stringMatching(/^file gpt-step: gpt_step\.int8\.onnx \(int8-weights, \d+ bytes\)$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^file vq-decoder: vq_decoder\.fp16\.onnx \(fp16-weights/),
    );
    lines = [];
    expect(await main(["info", "--bundle", TINY_BUNDLE_DIR], context)).toBe(0);
    expect(lines).toContainEqual(expect.stringMatching(/^file gpt-step: gpt_step\.fp16\.onnx/));
    expect(await main(["info", "--precision", "int4"], context)).toBe(2);
    expect(errors.at(-1)).toMatch(
      /Option --precision is "int4", expected fp32, fp16, fp16-weights, int8 or int8-weights/,
    );
  });

  test("reports a model error in one line with exit code 1", async () => {
    expect(await main(["info", "--bundle", dir], context)).toBe(1);
    expect(errors[0]).toMatch(/^BundleFormatError: .*card\.json is "missing"/);
  });

  test("the bin runs on this Node without a build step", async () => {
    const bin = join(packageDir, "bin", "commonspace.mjs");
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      "info",
      "--bundle",
      TINY_BUNDLE_DIR,
    ]);
    expect(stdout).toMatch(/backend: wasm/);
  });
});
