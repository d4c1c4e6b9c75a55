// Which decoding modes a loaded bundle can run: always the autoregressive GPT; the masked transformer when the
// card describes it (`card.maskgit`) and the bundle holds its graph (an optional role, so a loader may have left
// it out). The default is the card's `generator.default_mode` when that mode is available.
import type { ModelBundle } from "./bundle/bundle";
import type { GenerationMode } from "./bundle/card-maskgit";
import { ModeUnavailableError } from "./errors";

/** The modes a bundle runs, and the one used when an operation names none. */
export interface ModeInfo {
  readonly modes: readonly GenerationMode[];
  readonly defaultMode: GenerationMode;
}

/** The modes `bundle` can run, and its default. */
export function modesOf(bundle: ModelBundle): ModeInfo {
  const masked = bundle.card.maskgit !== undefined && bundle.files.has("maskgit");
  const modes: GenerationMode[] = masked ? ["autoregressive", "masked"] : ["autoregressive"];
  const wanted = bundle.card.generator.defaultMode;
  return { modes, defaultMode: modes.includes(wanted) ? wanted : "autoregressive" };
}

/** `requested` (or the default when undefined), if the bundle has it. @throws ModeUnavailableError */
export function resolveMode(info: ModeInfo, requested: unknown): GenerationMode {
  const mode = requested ?? info.defaultMode;
  if (!info.modes.includes(mode as GenerationMode)) throw new ModeUnavailableError(mode, info.modes);
  return mode as GenerationMode;
}
