// The Generate page's state: one generation at a time through the page's model client (the model runs in a
// worker, so drawing never blocks the page), partial images as they arrive, cancellation, and errors sorted
// into what the visitor can do about them. Loading, download progress and the backend badge belong to the
// device's model ($lib/device-model.svelte), shared with the other pages.
import {
  CancelledError,
  DownloadError,
  IntegrityError,
  SignatureError,
  type GenerationMode,
  type RgbaImage,
} from "@commonspace/model/client";
import type { DeviceModel } from "$lib/device-model.svelte";
import { chosenMode } from "./decoding-mode";

/** What the page is doing. */
export type GeneratorPhase = "idle" | "loading" | "generating" | "done" | "cancelled" | "error";

/** Why something failed, in terms of what to do next. */
export type FailureKind = "api-down" | "no-model" | "refused" | "failed";

/** A failure shown to the visitor. */
export interface Failure {
  readonly kind: FailureKind;
  readonly message: string;
}

/** One cell of the result grid: a partial image while decoding, then the finished candidate. */
export interface Slot {
  readonly index: number;
  readonly image: RgbaImage | undefined;
  readonly finished: boolean;
  /** The candidate's image codes (finished only). */
  readonly tokens: readonly number[] | undefined;
  readonly score: number | undefined;
}

/** What the visitor asked for. */
export interface GenerateRequest {
  readonly caption: string;
  readonly count: number;
  /** Classifier-free guidance; undefined: the card's recommendation for the mode (chosen on validation). */
  readonly guidance?: number | undefined;
  readonly seed: number;
  /** The decoding mode asked for (e.g. the stored choice); the model's default when it lacks this one. */
  readonly mode?: string | null;
}

/** Sorts an error into a {@link Failure} whose message says what happened and what to do. */
export function describeFailure(error: unknown, api: string): Failure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SignatureError || error instanceof IntegrityError) {
    return { kind: "refused", message: `The model from ${api} was refused: ${message}` };
  }
  if (error instanceof DownloadError && error.status === 404) {
    const fix = "Publish one with `node apps/api/scripts/publish-bundle.mjs --dir models/default`.";
    return {
      kind: "no-model",
      message: `The API at ${api} has no model on this channel yet: ${message} ${fix}`,
    };
  }
  if (error instanceof DownloadError || error instanceof TypeError) {
    const fix = "Is the API running? Start it with `npm run dev`.";
    return { kind: "api-down", message: `Cannot load the model from ${api}: ${message} ${fix}` };
  }
  return { kind: "failed", message };
}

/** State of the Generate page; see the file header. */
export class Generator {
  phase: GeneratorPhase = $state("idle");
  failure: Failure | undefined = $state();
  slots: Slot[] = $state([]);
  /** Image tokens sampled (masked: decided) per candidate so far, of `totalTokens`. */
  tokens = $state(0);
  totalTokens = $state(0);
  /** The running (or last) generation's decoding mode, and its graph steps so far of `totalSteps`. */
  mode: GenerationMode | undefined = $state();
  step = $state(0);
  totalSteps = $state(0);
  /** Distinct partial grids painted during the last generation (progress the page could show). */
  partials = $state(0);
  /** The caption of the last finished generation (for "caption this" and the explanation). */
  lastCaption: string | undefined = $state();

  private controller: AbortController | undefined;

  constructor(
    readonly device: DeviceModel,
    private readonly api: string,
  ) {}

  /** Cancels any work (the page is gone). */
  dispose(): void {
    this.cancel();
  }

  /** Whether a load or generation is running (Cancel is useful). */
  get busy(): boolean {
    return this.phase === "loading" || this.phase === "generating";
  }

  /** Stops the running load or generation; the page shows "cancelled". */
  cancel(): void {
    this.controller?.abort();
  }

  /** Generates images for `request`, loading the model first if needed. */
  async generate(request: GenerateRequest): Promise<void> {
    if (this.busy) return;
    const controller = new AbortController();
    this.controller = controller;
    this.failure = undefined;
    this.tokens = 0;
    this.step = 0;
    this.partials = 0;
    this.slots = Array.from({ length: request.count }, (_, index) => emptySlot(index));
    try {
      this.phase = "loading";
      const loaded = await this.device.ready();
      if (controller.signal.aborted) throw new CancelledError("the generation was cancelled");
      this.phase = "generating";
      this.totalTokens = loaded.card.vq.grid ** 2;
      this.mode = chosenMode(loaded, request.mode);
      this.totalSteps =
        this.mode === "masked" ? (loaded.card.maskgit?.sampling.steps ?? 0) : this.totalTokens;
      const result = await this.device.client.generate(request.caption, {
        mode: this.mode,
        count: request.count,
        guidance: request.guidance,
        seed: request.seed,
        signal: controller.signal,
        onProgress: (progress) => {
          this.tokens = progress.tokens;
          // Masked progress counts passes; the autoregressive stream's steps include the caption prefix.
          this.step = this.mode === "masked" ? progress.step : progress.tokens;
          if (progress.partial) this.showPartial(progress.partial);
        },
      });
      this.slots = result.candidates.map((c) => ({
        index: c.index,
        image: c.image,
        finished: true,
        tokens: Array.from(c.codes),
        score: c.score,
      }));
      this.tokens = this.totalTokens;
      this.step = this.totalSteps;
      this.lastCaption = request.caption;
      this.phase = "done";
    } catch (error) {
      if (error instanceof CancelledError || controller.signal.aborted) this.phase = "cancelled";
      else {
        this.failure = describeFailure(error, this.api);
        this.slots = [];
        this.phase = "error";
      }
    } finally {
      this.controller = undefined;
    }
  }

  private showPartial(partial: readonly RgbaImage[]): void {
    this.partials += 1;
    this.slots = partial.map((image, index) => ({ ...emptySlot(index), image }));
  }
}

function emptySlot(index: number): Slot {
  return { index, image: undefined, finished: false, tokens: undefined, score: undefined };
}
