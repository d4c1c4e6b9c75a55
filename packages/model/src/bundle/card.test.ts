import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { TINY_BUNDLE_DIR, TINY_FORMAT2_DIR } from "../../test/bundle-under-test";
import { BundleFormatError } from "../errors";
import { precisionPreference, selectFiles } from "./bundle";
import { loadBundleFromDirectory } from "../node/directory";
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

describe("parseCard: the masked generator", () => {
  const maskgit = tiny["maskgit"] as Record<string, unknown>;
  const withMaskgit = (change: Record<string, unknown>) =>
    JSON.stringify({ ...tiny, maskgit: { ...maskgit, ...change } });

  test("reads the maskgit layout, condition and decoding settings, and the generator modes", () => {
    const card = parseCard(JSON.stringify(tiny));
    expect(card.maskgit).toMatchObject({
      blockSize: 77,
      captionStart: 1,
      imageStart: 13,
      captionLen: 12,
      imageTokens: 64,
      imageOffset: 300,
      codebookSize: 32,
      maskId: 332,
      bot: 1,
      padId: 0,
      cond: { input: "cond", dim: 32, source: "clip-text", captionSource: "clip-image" },
      sampling: { steps: 4, captionSteps: 3, cfgScale: 2, temperature: 1, topK: 0, choiceTemperature: 4.5 },
    });
    expect(card.generator).toEqual({ modes: ["autoregressive", "masked"], defaultMode: "autoregressive" });
  });

  test("a card without either section offers the autoregressive mode only", () => {
    const plain = parseCard(readFileSync(join(TINY_FORMAT2_DIR, "card.json"), "utf8"));
    expect(plain.maskgit).toBeUndefined();
    expect(plain.generator).toEqual({ modes: ["autoregressive"], defaultMode: "autoregressive" });
  });

  test.each([
    [
      "a section that is not an object",
      { maskgit: [1, 2] },
      /card\.maskgit is an array of 2, expected a JSON object/,
    ],
    [
      "a caption length unlike the text's",
      { maskgit: { ...maskgit, caption_len: 10 } },
      /caption_len is 10, expected 12/,
    ],
    [
      "a block size that does not add up",
      { maskgit: { ...maskgit, block_size: 80 } },
      /block_size is 80, expected 77/,
    ],
    [
      "an image start after a gap",
      { maskgit: { ...maskgit, image_start: 14 } },
      /image_start is 14, expected 13/,
    ],
    ["a mask id that is an image code", { maskgit: { ...maskgit, mask_id: 301 } }, /mask_id is 301/],
    [
      "a codebook unlike the VQ's",
      { maskgit: { ...maskgit, codebook_size: 64 } },
      /codebook_size is 64, expected 32/,
    ],
    [
      "another schedule",
      { maskgit: { ...maskgit, schedule: "linear" } },
      /schedule is "linear", expected "cosine"/,
    ],
    [
      "a condition of another size",
      { maskgit: { ...maskgit, cond: { ...(maskgit["cond"] as object), dim: 16 } } },
      /card\.maskgit\.cond\.dim is 16/,
    ],
    [
      "a caption condition from text",
      { maskgit: { ...maskgit, cond: { ...(maskgit["cond"] as object), caption_source: "clip-text" } } },
      /caption_source is "clip-text", expected "clip-image"/,
    ],
    [
      "zero decoding steps",
      { maskgit: { ...maskgit, sampling: { ...(maskgit["sampling"] as object), steps: 0 } } },
      /card\.maskgit\.sampling\.steps is 0, expected an integer ≥ 1/,
    ],
    [
      "a negative choice temperature",
      { maskgit: { ...maskgit, sampling: { ...(maskgit["sampling"] as object), choice_temperature: -1 } } },
      /choice_temperature is -1, expected a number ≥ 0/,
    ],
    [
      "no sampling settings",
      { maskgit: { ...maskgit, sampling: undefined } },
      /card\.maskgit\.sampling is undefined/,
    ],
    [
      "a maskgit file but no section",
      { maskgit: undefined },
      /card\.maskgit is undefined.*maskgit\.fp16\.onnx/,
    ],
    [
      "an unknown mode",
      { generator: { modes: ["autoregressive", "diffusion"], default_mode: "autoregressive" } },
      /card\.generator\.modes is "\[autoregressive, diffusion\]", expected a list of "autoregressive", "masked"/,
    ],
    [
      "a default mode it does not list",
      { generator: { modes: ["autoregressive"], default_mode: "masked" } },
      /default_mode is "masked", expected one of autoregressive/,
    ],
  ])("refuses %s, naming the field", (_what, change, message) => {
    expect(() => parseCard(JSON.stringify({ ...tiny, ...change }))).toThrow(message);
  });

  test("refuses masked in the modes of a card without a maskgit section", () => {
    const files = (tiny["files"] as unknown as { role: string }[]).filter((f) => f.role !== "maskgit");
    const card = { ...tiny, files, maskgit: undefined };
    expect(() => parseCard(JSON.stringify(card))).toThrow(/card\.maskgit is undefined.*lists "masked"/);
    const autoregressive = {
      ...card,
      generator: { modes: ["autoregressive"], default_mode: "autoregressive" },
    };
    expect(parseCard(JSON.stringify(autoregressive)).maskgit).toBeUndefined();
  });

  test("missing decoding numbers take the trainer's defaults", () => {
    const card = parseCard(withMaskgit({ sampling: { steps: 8 } }));
    expect(card.maskgit?.sampling).toEqual({
      steps: 8,
      captionSteps: 6,
      cfgScale: 3,
      temperature: 1,
      topK: 0,
      choiceTemperature: 4.5,
    });
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

  test("leaves out an optional role the bundle lacks, and picks it by precision when it has one", () => {
    const roles = ["gpt-step", "maskgit"] as const;
    expect(selectFiles(entries, roles, precisionPreference(false)).map((e) => e.name)).toEqual([
      "gpt.fp16.onnx",
    ]);
    const withMaskgit = [...entries, { name: "maskgit.onnx", role: "maskgit", precision: "fp32" as const }];
    expect(selectFiles(withMaskgit, roles, precisionPreference(false)).map((e) => e.name)).toEqual([
      "gpt.fp16.onnx",
      "maskgit.onnx",
    ]);
  });
});

describe("loading a bundle folder", () => {
  test("includes the maskgit graph when the card lists one, and runs without it otherwise", async () => {
    const tinyBundle = await loadBundleFromDirectory(TINY_BUNDLE_DIR);
    expect(tinyBundle.files.get("maskgit")?.name).toBe("maskgit.fp16.onnx");
    const format2 = await loadBundleFromDirectory(TINY_FORMAT2_DIR);
    expect(format2.files.has("maskgit")).toBe(false);
    expect(format2.files.has("gpt-step")).toBe(true);
  });
});
