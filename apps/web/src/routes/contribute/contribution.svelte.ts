// The Contribute form's state: the picked image (decoded upright) and the square chosen from it, the caption
// with the API's rules checked live, the licence, the consent to the current terms, and the submission through
// the offline write queue (one idempotency key per contribution, retried until the API answers; queued when
// offline). A refused contribution keeps everything the person entered, with the API's reason inline.
import type { WriteQueue } from "$lib/offline/write-queue";
import { captionProblem } from "./caption-rules";
import { ImagePrepError, decodeImage, encodeSquare } from "./prepare-image";
import { CENTRED, type CropChoice } from "./square-crop";

/** The terms the person agrees to (from the API). */
export interface Terms {
  readonly version: string;
  readonly text: string;
  /** The licences the API accepts, each explained in a line. */
  readonly licences: readonly { readonly id: string; readonly summary: string }[];
}

/** Where a submission is. */
export type SubmitState =
  | { readonly kind: "idle" }
  | { readonly kind: "sending" }
  | { readonly kind: "sent"; readonly status: string }
  | { readonly kind: "queued" }
  | { readonly kind: "refused"; readonly message: string };

/** State of the Contribute form; see the file header. */
export class Contribution {
  bitmap: ImageBitmap | undefined = $state.raw();
  fileName = $state("");
  imageError: string | undefined = $state();
  crop: CropChoice = $state({ ...CENTRED });
  caption = $state("");
  licence = $state("CC-BY-4.0");
  attribution = $state("");
  consent = $state(false);
  terms: Terms | undefined = $state();
  submit: SubmitState = $state({ kind: "idle" });
  /** Bytes of the last prepared upload (shown: the 12-megapixel photo becomes a few hundred KB). */
  uploadBytes: number | undefined = $state();

  constructor(private readonly queue: WriteQueue) {}

  get captionError(): string | undefined {
    return captionProblem(this.caption);
  }

  get ready(): boolean {
    return Boolean(this.bitmap && !this.captionError && this.consent && this.terms);
  }

  /** Takes a picked, dropped, pasted or camera file. */
  async pick(file: File): Promise<void> {
    this.imageError = undefined;
    this.submit = { kind: "idle" };
    try {
      const bitmap = await decodeImage(file);
      this.bitmap?.close();
      this.bitmap = bitmap;
      this.fileName = file.name;
      this.crop = { ...CENTRED };
    } catch (error) {
      this.imageError = error instanceof ImagePrepError ? error.message : String(error);
    }
  }

  /** Sends the contribution (or queues it offline). Keeps the form as it is unless it was accepted. */
  async send(): Promise<void> {
    if (!this.ready || !this.bitmap || !this.terms || this.submit.kind === "sending") return;
    this.submit = { kind: "sending" };
    const image = await encodeSquare(this.bitmap, this.crop);
    this.uploadBytes = image.size;
    const extension = image.type === "image/webp" ? "webp" : "png";
    const fields = [
      { name: "image", value: image, filename: `contribution.${extension}` },
      { name: "caption", value: this.caption },
      { name: "licence", value: this.licence },
      { name: "consent", value: "true" },
      { name: "terms_version", value: this.terms.version },
      ...(this.attribution.trim() ? [{ name: "attribution", value: this.attribution }] : []),
    ];
    const { write, outcome } = await this.queue.submit({
      path: "/v1/contributions",
      method: "POST",
      body: { kind: "form", fields },
      label: `contribution "${this.caption.trim().slice(0, 40)}"`,
      contributor: true,
    });
    if (outcome.status === "sent") {
      const status =
        (outcome.response as { pair?: { status?: string } } | undefined)?.pair?.status ?? "pending";
      this.submit = { kind: "sent", status };
      this.reset();
    } else if (outcome.status === "waiting") this.submit = { kind: "queued" };
    else {
      // The form still holds everything: the person fixes it and sends again (a new write, a new key).
      await this.queue.discard(write.id);
      this.submit = { kind: "refused", message: outcome.error };
    }
  }

  private reset(): void {
    this.bitmap?.close();
    this.bitmap = undefined;
    this.fileName = "";
    this.caption = "";
    this.crop = { ...CENTRED };
  }
}
