// The Generate page's "Decoding" choice: which of the model's modes draws the images (the masked transformer in
// a few parallel steps, or the GPT one code per step), how each is labelled, and the person's last choice, kept
// in localStorage under `commonspace.mode`. A stored mode the model does not have falls back to its default.
import type { GenerationMode, LoadedModel, ModelCard } from "@commonspace/model/client";

/** localStorage key of the last decoding mode chosen on this device. */
export const MODE_KEY = "commonspace.mode";

/** One option of the control. */
export interface ModeChoice {
  readonly mode: GenerationMode;
  /** e.g. "masked, 8 steps" */
  readonly label: string;
  readonly steps: number;
}

/** Graph steps a mode takes per image, as the page describes it: masked passes, or one code per step. */
export function stepsOf(card: ModelCard, mode: GenerationMode): number {
  if (mode === "masked" && card.maskgit) return card.maskgit.sampling.steps;
  return card.vq.grid ** 2;
}

/** The model's modes as options of the control, in the model's order. */
export function modeChoices(loaded: Pick<LoadedModel, "card" | "modes">): ModeChoice[] {
  return loaded.modes.map((mode) => {
    const steps = stepsOf(loaded.card, mode);
    return { mode, steps, label: `${mode}, ${steps} steps` };
  });
}

/** The mode to use: the stored choice when the model has it, else the model's default. */
export function chosenMode(
  loaded: Pick<LoadedModel, "modes" | "defaultMode">,
  stored: string | null | undefined,
): GenerationMode {
  const found = loaded.modes.find((mode) => mode === stored);
  return found ?? loaded.defaultMode;
}

/** The stored choice (null where there is no storage, e.g. while rendering on the server). */
export function storedMode(): string | null {
  return typeof localStorage === "undefined" ? null : localStorage.getItem(MODE_KEY);
}

/** Remembers the person's choice for the next visit. */
export function storeMode(mode: GenerationMode): void {
  if (typeof localStorage !== "undefined") localStorage.setItem(MODE_KEY, mode);
}

/**
 * The guidance scale the model's trainer chose on validation for this mode (`card.sampling.cfg_scale`, or
 * `card.maskgit.sampling.cfg_scale` for masked decoding): what the Guidance field shows until the person edits it.
 */
export function recommendedGuidance(card: ModelCard, mode: GenerationMode): number {
  if (mode === "masked" && card.maskgit) return card.maskgit.sampling.cfgScale;
  return card.sampling.cfgScale;
}
