// The Generate page's state: the model (weights from the API's channel, verified and cached by
// @commonspace/model), its download progress, the backend badge, and one generation at a time with partial
// images, cancellation and errors sorted into what the visitor can do about them.
import {
  CancelledError,
  DownloadError,
  IntegrityError,
  SignatureError,
  getBackend,
  loadModel,
  onBackendChange,
  type BackendInfo,
  type BundleProgress,
  type Model,
  type RgbaImage,
  type UpdateStatus,
} from "@commonspace/model";

/** What the page is doing. */
export type GeneratorPhase = "idle" | "loading" | "generating" | "done" | "cancelled" | "error";

/** Why something failed, in terms of what to do next. */
export type FailureKind = "api-down" | "no-model" | "refused" | "failed";

/** A failure shown to the visitor. */
export interface Failure {
  readonly kind: FailureKind;
  readonly message: string;
}

/** One file's download progress. */
export interface FileProgress {
  readonly name: string;
  readonly loaded: number;
  readonly total: number;
  readonly fromCache: boolean;
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
  readonly guidance: number;
  readonly seed: number;
}

/** Options of {@link Generator}. */
export interface GeneratorOptions {
  /** API base URL (the weights come from its channel). */
  readonly api: string;
  readonly channel?: string;
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
  backend: BackendInfo | undefined = $state();
  /** Download progress per file, in manifest order; empty until loading starts. */
  files: FileProgress[] = $state([]);
  totalLoaded = $state(0);
  totalBytes = $state(0);
  /** Bytes actually downloaded (not from the cache) during this page's load. */
  downloaded = $state(0);
  slots: Slot[] = $state([]);
  /** Image tokens sampled per candidate so far, of `totalTokens`. */
  tokens = $state(0);
  totalTokens = $state(0);
  modelVersion: string | undefined = $state();
  updateStatus: UpdateStatus | undefined = $state();
  /** Warnings that did not stop anything (a refused update, storage quota). */
  warnings: string[] = $state([]);

  private readonly api: string;
  private readonly channel: string;
  private model: Promise<Model> | undefined;
  private controller: AbortController | undefined;
  private readonly unsubscribe: () => void;

  constructor(options: GeneratorOptions) {
    this.api = options.api;
    this.channel = options.channel ?? "stable";
    void getBackend().then((info) => (this.backend = info));
    this.unsubscribe = onBackendChange((info) => (this.backend = info));
  }

  /** Cancels any work and stops following backend changes (the page is gone). */
  dispose(): void {
    this.cancel();
    this.unsubscribe();
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
    this.slots = Array.from({ length: request.count }, (_, index) => emptySlot(index));
    try {
      this.phase = "loading";
      const model = await this.loadOnce(controller.signal);
      this.phase = "generating";
      this.totalTokens = model.card.vq.grid ** 2;
      const result = await model.generate(request.caption, {
        count: request.count,
        guidance: request.guidance,
        seed: request.seed,
        signal: controller.signal,
        onProgress: (progress) => {
          this.tokens = progress.tokens;
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
    this.slots = partial.map((image, index) => ({ ...emptySlot(index), image }));
  }

  /** The model, loaded once; a failed or cancelled load is tried again next time. */
  private loadOnce(signal: AbortSignal): Promise<Model> {
    this.model ??= this.load(signal);
    const loading = this.model;
    loading.catch(() => {
      if (this.model === loading) this.model = undefined;
    });
    return loading;
  }

  private async load(signal: AbortSignal): Promise<Model> {
    const model = await loadModel(
      { api: this.api, channel: this.channel },
      {
        signal,
        onProgress: (p) => this.showDownload(p),
        onWarning: (warning) => (this.warnings = [...this.warnings, warning.message]),
        onStatus: (status) => (this.updateStatus = status.status),
      },
    );
    this.modelVersion = model.card.version;
    this.backend = await model.backend();
    return model;
  }

  private showDownload(p: BundleProgress): void {
    const entry: FileProgress = { name: p.file, loaded: p.loaded, total: p.total, fromCache: p.fromCache };
    const at = this.files.findIndex((f) => f.name === p.file);
    if (at < 0) this.files = [...this.files, entry];
    else {
      if (!p.fromCache) this.downloaded += Math.max(0, p.loaded - (this.files[at]?.loaded ?? 0));
      this.files[at] = entry;
    }
    this.totalLoaded = p.totalLoaded;
    this.totalBytes = p.totalBytes;
  }
}

function emptySlot(index: number): Slot {
  return { index, image: undefined, finished: false, tokens: undefined, score: undefined };
}
