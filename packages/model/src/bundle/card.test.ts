import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { TINY_BUNDLE_DIR, TINY_FORMAT2_DIR } from "../../test/bundle-under-test";
import { BundleFormatError } from "../errors";
import { precisionPreference, selectFiles } from "./bundle";
import { parseCard } from "./card";

const tiny = JSON.parse(readFileSync(join(TINY_BUNDLE_DIR, "card.json"), "utf8")) as Record<
  string,
  Record<string, unknown>
>;

describe("parseCard", () => {
  test("reads the shapes and special ids the runtime needs", () => {
    const card = parseCard(JSON.stringify(tiny));
    expect(card.vq).toEqual({ res: 32, grid: 8, codebookSize: tiny["vq"]!["codebook_size"] });
    expect(card.gpt.vocabSize).toBe(card.gpt.imageOffset + card.vq.codebookSize);
    expect(card.gpt.blockSize).toBeGreaterThanOrEqual(1 + card.text.captionLen + 1 + 64);
    expect(card.gpt).toMatchObject({ bot: 1, eot: 2, boi: 3, boc: 4 });
    expect(card.format).toBe(3);
    expect(card.gpt.cond).toEqual({ input: "cond", dim: card.clip.embedDim, source: "clip-text" });
  });

  test("reads a format-2 card: no conditioning input", () => {
    const plain = JSON.parse(readFileSync(join(TINY_FORMAT2_DIR, "card.json"), "utf8")) as object;
    const card = parseCard(plain);
    expect(card.format).toBe(2);
    expect(card.gpt.cond).toBeUndefined();
  });

  test.each([
    ["another format", { format: "commonspace-bundle/4" }, /card\.format is "commonspace-bundle\/4"/],
    [
      "format 1 (one stacked KV cache)",
      { format: "commonspace-bundle/1" },
      /card\.format is "commonspace-bundle\/1", expected commonspace-bundle\/2 or commonspace-bundle\/3/,
    ],
    [
      "format 3 without its conditioning input",
      { gpt: { ...tiny["gpt"], cond: undefined } },
      /card\.gpt\.cond is undefined, expected a JSON object/,
    ],
    [
      "a condition of another size than the CLIP embedding",
      { gpt: { ...tiny["gpt"], cond: { ...(tiny["gpt"]!["cond"] as object), dim: 7 } } },
      /card\.gpt\.cond\.dim is 7, expected card\.clip\.embed_dim/,
    ],
    [
      "a condition from an unknown source",
      { gpt: { ...tiny["gpt"], cond: { ...(tiny["gpt"]!["cond"] as object), source: "clip-image" } } },
      /card\.gpt\.cond\.source is "clip-image"/,
    ],
    [
      "a format-2 card with a conditioning input",
      { format: "commonspace-bundle/2" },
      /card\.gpt\.cond is "present", expected absent in commonspace-bundle\/2/,
    ],
    [
      "a block size too small for the streams",
      { gpt: { ...tiny["gpt"], block_size: 10 } },
      /block_size is 10/,
    ],
    ["a vocabulary that does not add up", { gpt: { ...tiny["gpt"], vocab_size: 7 } }, /vocab_size is 7/],
    ["a missing section", { clip: undefined }, /card\.clip is undefined, expected a JSON object/],
  ])("refuses %s, naming the field", (_what, change, message) => {
    expect(() => parseCard(JSON.stringify({ ...tiny, ...change }))).toThrow(message);
  });

  test("refuses text that is not JSON", () => {
    expect(() => parseCard("{")).toThrow(BundleFormatError);
  });
});

describe("selectFiles", () => {
  const entries = [
    { name: "gpt.onnx", role: "gpt-step", precision: "fp32" as const },
    { name: "gpt.fp16.onnx", role: "gpt-step", precision: "fp16-weights" as const },
    { name: "gpt.half.onnx", role: "gpt-step", precision: "fp16" as const },
    { name: "tokenizer.json", role: "tokenizer" },
  ];

  test("prefers fp16 weights, and fully-fp16 graphs only with shader-f16", () => {
    expect(
      selectFiles(entries, ["gpt-step", "tokenizer"], precisionPreference(false)).map((e) => e.name),
    ).toEqual(["gpt.fp16.onnx", "tokenizer.json"]);
    expect(selectFiles(entries, ["gpt-step"], precisionPreference(true))[0]?.name).toBe("gpt.half.onnx");
  });

  test("never picks a fully-fp16 graph without shader-f16", () => {
    const onlyHalf = [entries[2]!];
    expect(() => selectFiles(onlyHalf, ["gpt-step"], precisionPreference(false))).toThrow(
      /gpt.half.onnx \(fp16\)/,
    );
  });

  test("names the missing role", () => {
    expect(() => selectFiles(entries, ["clip-text"], precisionPreference(false))).toThrow(
      /clip-text file is "no file"/,
    );
  });
});
