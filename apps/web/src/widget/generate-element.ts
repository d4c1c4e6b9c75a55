// <commonspace-generate>: text to images on the visitor's device. A caption field, Generate and Cancel, a grid
// of `count` images that paints partial rows as they are sampled, a status line and a progress bar. The model
// comes from the API's channel through the page's one model worker (model.ts), and is kept in the browser's
// cache for this site. Attributes and properties mirror each other; see docs/widget.md for the full surface.
import {
  CancelledError,
  type BundleProgress,
  type GenerateProgress,
  type Generation,
} from "@commonspace/model/client";
import {
  DEFAULT_COUNT,
  parseGenerateRequest,
  parseGenerateSettings,
  type GenerateAttributes,
  type GenerateRequest,
} from "./attributes";
import { canvasPng } from "./dom";
import { GenerateView, toImageData } from "./generate-view";
import { exclusive, widgetModelClient } from "./model";
import { generateSheets } from "./styles";
import { reflect, WidgetElement } from "./widget-element";

/** Detail of `commonspace-progress`: the model's download, then the generation's steps. */
export type GenerateProgressDetail =
  | {
      readonly stage: "download";
      readonly file: string;
      readonly fromCache: boolean;
      readonly loaded: number;
      readonly total: number;
    }
  | {
      readonly stage: "generate";
      readonly phase: GenerateProgress["phase"];
      readonly step: number;
      readonly total: number;
    };

/** Detail of `commonspace-result`: the images, best first, as ImageData and as PNG blobs. */
export interface GenerateResultDetail {
  readonly caption: string;
  readonly seed: number;
  readonly guidance: number | undefined;
  readonly channel: string;
  /** The model version that made them. */
  readonly version: string;
  readonly images: readonly ImageData[];
  readonly blobs: readonly Blob[];
  /** CLIP similarity of each image to the caption. */
  readonly scores: readonly (number | undefined)[];
}

/** What the element is doing. */
export type GenerateState = "idle" | "loading" | "ready" | "generating" | "done" | "cancelled" | "error";

const ATTRIBUTES = ["caption", "count", "seed", "guidance", "channel", "api", "loading"] as const;

/** The `<commonspace-generate>` element; see the file header. */
export class CommonspaceGenerateElement extends WidgetElement {
  static readonly observedAttributes = ATTRIBUTES;

  private readonly view: GenerateView;
  private controller: AbortController | undefined;
  private checkQueued = false;
  private currentState: GenerateState = "idle";
  private loadedVersion: string | undefined;

  constructor() {
    super(generateSheets());
    this.view = new GenerateView(this.base, this.errorLine);
    this.view.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.generate();
    });
    this.view.cancelButton.addEventListener("click", () => this.cancel());
    this.view.input.addEventListener("input", () => this.setAttribute("caption", this.view.input.value));
  }

  /** The caption (the `caption` attribute; the field shows it and writes it back as the visitor types). */
  get caption(): string {
    return this.getAttribute("caption") ?? "";
  }
  set caption(value: string) {
    this.setAttribute("caption", value);
  }

  /** Images per generation, 1–16 (default 4). */
  get count(): number {
    const value = this.getAttribute("count");
    return value === null ? DEFAULT_COUNT : Number(value);
  }
  set count(value: number) {
    reflect(this, "count", value);
  }

  /** Seed (0–4294967295); undefined: a new random seed each time. */
  get seed(): number | undefined {
    const value = this.getAttribute("seed");
    return value === null ? undefined : Number(value);
  }
  set seed(value: number | undefined) {
    reflect(this, "seed", value);
  }

  /** Classifier-free guidance scale (0–20); undefined: the model's own default. */
  get guidance(): number | undefined {
    const value = this.getAttribute("guidance");
    return value === null ? undefined : Number(value);
  }
  set guidance(value: number | undefined) {
    reflect(this, "guidance", value);
  }

  /** Release channel: "stable" (default) or "beta". */
  get channel(): string {
    return this.getAttribute("channel") ?? "stable";
  }
  set channel(value: string) {
    this.setAttribute("channel", value);
  }

  /** The API's URL (default: the API of the site that serves the widget). */
  get api(): string {
    return this.getAttribute("api") ?? __COMMONSPACE_DEFAULT_API__;
  }
  set api(value: string) {
    this.setAttribute("api", value);
  }

  /** Generate as soon as the element starts (becomes visible, or at once with loading="eager"). */
  get autogenerate(): boolean {
    return this.hasAttribute("autogenerate");
  }
  set autogenerate(value: boolean) {
    this.toggleAttribute("autogenerate", value);
  }

  /** What the element is doing now (read-only). */
  get state(): GenerateState {
    return this.currentState;
  }

  /** The model version in use, once loaded (read-only). */
  get version(): string | undefined {
    return this.loadedVersion;
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (name === "caption") {
      if (this.view.input.value !== (value ?? "")) this.view.input.value = value ?? "";
      return;
    }
    if (name === "loading" && value === "eager" && this.isConnected) this.start();
    // Attributes often change several in a row (a framework sets them one by one): check once after them.
    if (this.checkQueued) return;
    this.checkQueued = true;
    queueMicrotask(() => {
      this.checkQueued = false;
      this.checkSettings();
    });
  }

  /**
   * Generates `count` images for the caption. Resolves to what `commonspace-result` carries, or null when the
   * generation failed (then `commonspace-error` fired and the element shows why) or was cancelled. Never rejects.
   */
  async generate(): Promise<GenerateResultDetail | null> {
    this.start();
    this.cancel();
    let request: GenerateRequest;
    try {
      request = parseGenerateRequest(this.attributeValues(), __COMMONSPACE_DEFAULT_API__);
    } catch (error) {
      this.setState("error");
      this.report(error);
      return null;
    }
    this.clearProblem();
    const controller = new AbortController();
    this.controller = controller;
    this.view.setRunning(true);
    try {
      const generation = await exclusive(async () => {
        await this.load(request, controller.signal);
        this.setState("generating");
        this.view.say("Generating…");
        return widgetModelClient().generate(request.caption, {
          count: request.count,
          ...(request.seed !== undefined && { seed: request.seed }),
          ...(request.guidance !== undefined && { guidance: request.guidance }),
          signal: controller.signal,
          onProgress: (progress) => this.onStep(progress),
        });
      });
      return await this.show(request, generation);
    } catch (error) {
      if (this.controller !== controller) return null; // replaced by a newer generate(), which reports itself
      this.view.hideBar();
      if (error instanceof CancelledError) {
        this.setState("cancelled");
        this.view.say("Cancelled.");
      } else {
        this.setState("error");
        this.view.say("");
        this.report(error);
      }
      return null;
    } finally {
      if (this.controller === controller) {
        this.controller = undefined;
        this.view.setRunning(false);
      }
    }
  }

  /** Stops a running (or waiting) generation; its images stay as far as they got. */
  cancel(): void {
    this.controller?.abort();
  }

  protected onStart(): void {
    let request: Omit<GenerateRequest, "caption">;
    try {
      request = parseGenerateSettings(this.attributeValues(), __COMMONSPACE_DEFAULT_API__);
    } catch (error) {
      this.setState("error");
      this.report(error, true);
      return;
    }
    if (this.autogenerate) {
      void this.generate();
      return;
    }
    // Preload, so that Generate answers at once; a failure shows now, and Generate tries again.
    void exclusive(() => this.load(request)).catch((error: unknown) => {
      if (this.currentState !== "generating" && this.controller === undefined) {
        this.view.hideBar();
        this.setState("error");
        this.view.say("");
        this.report(error, true);
      }
    });
  }

  /** Loads the model of the request's API and channel (shared with every widget that asked for the same). */
  private async load(request: Omit<GenerateRequest, "caption">, signal?: AbortSignal): Promise<void> {
    if (this.currentState === "idle" || this.currentState === "error") this.setState("loading");
    this.view.say("Loading the model…");
    const loaded = await widgetModelClient().load(
      { api: request.api, channel: request.channel },
      { ...(signal && { signal }), onProgress: (progress) => this.onDownload(progress) },
    );
    this.loadedVersion = loaded.version;
    this.view.showVersion(loaded.version);
    if (this.currentState === "loading") {
      this.setState("ready");
      this.view.say("Ready.");
      this.view.hideBar();
    }
  }

  private onDownload(progress: BundleProgress): void {
    const { file, fromCache, totalLoaded, totalBytes } = progress;
    const percent = totalBytes > 0 ? Math.round((100 * totalLoaded) / totalBytes) : 0;
    this.view.say(fromCache ? "Loading the model from this browser…" : `Downloading the model… ${percent} %`);
    this.view.setBar(totalBytes > 0 ? totalLoaded / totalBytes : 0);
    this.emit<GenerateProgressDetail>("commonspace-progress", {
      stage: "download",
      file,
      fromCache,
      loaded: totalLoaded,
      total: totalBytes,
    });
  }

  private onStep(progress: GenerateProgress): void {
    const { phase, step, totalSteps, partial } = progress;
    this.view.setBar(totalSteps > 0 ? step / totalSteps : 0);
    this.view.say(`Generating… ${Math.round((100 * step) / Math.max(1, totalSteps))} %`);
    if (partial) partial.forEach((image, i) => this.view.paint(i, image));
    this.emit<GenerateProgressDetail>("commonspace-progress", {
      stage: "generate",
      phase,
      step,
      total: totalSteps,
    });
  }

  private async show(request: GenerateRequest, generation: Generation): Promise<GenerateResultDetail> {
    const images = generation.candidates.map((c) => toImageData(c.image));
    this.view.renderCells(images.length);
    images.forEach((image, i) => this.view.paint(i, image));
    const blobs = await Promise.all(this.view.canvases().map((canvas) => canvasPng(canvas)));
    const detail: GenerateResultDetail = {
      caption: generation.caption,
      seed: generation.seed,
      guidance: request.guidance,
      channel: request.channel,
      version: this.loadedVersion ?? "",
      images,
      blobs,
      scores: generation.candidates.map((c) => c.score),
    };
    this.setState("done");
    this.view.hideBar();
    const plural = images.length === 1 ? "image" : "images";
    this.view.say(`${images.length} ${plural} for “${generation.caption}” · seed ${generation.seed}`);
    this.emit("commonspace-result", detail);
    return detail;
  }

  private checkSettings(): void {
    try {
      const settings = parseGenerateSettings(this.attributeValues(), __COMMONSPACE_DEFAULT_API__);
      if (this.controller === undefined) this.view.renderCells(settings.count);
      if (this.currentState === "error") {
        this.clearProblem();
        this.setState("idle");
      }
    } catch (error) {
      this.setState("error");
      this.report(error, true);
    }
  }

  private attributeValues(): GenerateAttributes {
    const get = (name: string) => this.getAttribute(name);
    return {
      caption: this.view.input.value || get("caption"),
      count: get("count"),
      seed: get("seed"),
      guidance: get("guidance"),
      channel: get("channel"),
      api: get("api"),
    };
  }

  private setState(state: GenerateState): void {
    this.currentState = state;
  }
}
