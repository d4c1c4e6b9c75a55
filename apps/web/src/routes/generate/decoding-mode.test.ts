import type { LoadedModel, ModelCard } from "@commonspace/model/client";
import { describe, expect, it } from "vitest";
import { chosenMode, modeChoices, recommendedGuidance, stepsOf } from "./decoding-mode";

const card = {
  vq: { res: 32, grid: 8, codebookSize: 32 },
  sampling: { cfgScale: 8, topK: 64, temperature: 0.7 },
  maskgit: { sampling: { steps: 12, cfgScale: 3 } },
} as unknown as ModelCard;
const both = { card, modes: ["autoregressive", "masked"], defaultMode: "masked" } as const;
const arOnly = {
  card: { ...card, maskgit: undefined },
  modes: ["autoregressive"],
  defaultMode: "autoregressive",
} as const;

describe("decoding mode", () => {
  it("labels each mode with its steps: masked passes, or one per image code", () => {
    expect(modeChoices(both as unknown as LoadedModel)).toEqual([
      { mode: "autoregressive", steps: 64, label: "autoregressive, 64 steps" },
      { mode: "masked", steps: 12, label: "masked, 12 steps" },
    ]);
    expect(stepsOf(card, "masked")).toBe(12);
  });

  it("keeps the stored choice when the model has it, else takes the model's default", () => {
    expect(chosenMode(both, "autoregressive")).toBe("autoregressive");
    expect(chosenMode(both, null)).toBe("masked");
    expect(chosenMode(both, "sideways")).toBe("masked");
    expect(chosenMode(arOnly, "masked")).toBe("autoregressive");
  });

  it("recommends each mode's guidance from the card: the GPT's sampling, or the masked model's own", () => {
    expect(recommendedGuidance(card, "autoregressive")).toBe(8);
    expect(recommendedGuidance(card, "masked")).toBe(3);
    expect(recommendedGuidance({ ...card, maskgit: undefined }, "masked")).toBe(8);
  });
});
