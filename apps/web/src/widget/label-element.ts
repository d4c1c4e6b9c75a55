// <commonspace-label>: one pairing task at a time from the API (which caption fits this image, or which image
// fits this caption), answered with one click; each answer becomes judgments for the next model. The consent
// line is always shown; nothing is sent before the visitor presses Start once on this site, which creates
// their anonymous contributor token (kept in this site's localStorage, see label-api.ts).
import { parseApi, parseTaskKind, type WidgetTaskKind } from "./attributes";
import { drawPixels, el } from "./dom";
import { LabelApi, type AnswerReceipt, type LabelTask, type TaskCandidate } from "./label-api";
import { labelSheets } from "./styles";
import { WidgetElement } from "./widget-element";

/** The answer that says no candidate fits. */
export const NONE_FITS = "none";

/** Candidates per task. */
const CANDIDATES = 4;

/** The consent line (shown under every task). */
export const CONSENT_TEXT =
  "Your answers are sent to Commonspace as anonymous judgments and used to train openly shared models. " +
  "This site keeps a random contributor id in your browser.";

/** Detail of `commonspace-answer`. */
export interface LabelAnswerDetail extends AnswerReceipt {
  readonly kind: WidgetTaskKind;
}

/** The `<commonspace-label>` element; see the file header. */
export class CommonspaceLabelElement extends WidgetElement {
  static readonly observedAttributes = ["api", "kind", "loading"] as const;

  private readonly promptLine: HTMLParagraphElement;
  private readonly promptImage: HTMLCanvasElement;
  private readonly choices: HTMLOListElement;
  private readonly actions: HTMLDivElement;
  private readonly startButton: HTMLButtonElement;
  private readonly statusLine: HTMLParagraphElement;
  private client: LabelApi | undefined;
  private task: LabelTask | undefined;
  private answered = 0;
  private refreshQueued = false;

  constructor() {
    super(labelSheets());
    this.promptLine = el("p", { part: "prompt", className: "prompt" });
    this.promptImage = el("canvas", {
      part: "image prompt-image",
      className: "prompt-image",
      attributes: { role: "img", "aria-label": "The image to describe" },
    });
    this.choices = el("ol", { part: "choices", className: "choices" });
    const none = el("button", { part: "button none-button", className: "secondary", text: "None fits" });
    const skip = el("button", { part: "button skip-button", className: "secondary", text: "Skip" });
    this.actions = el("div", { part: "actions", className: "actions" }, [none, skip]);
    this.startButton = el("button", { part: "button start-button", text: "Start labelling" });
    this.statusLine = el("p", { part: "status", className: "status", attributes: { "aria-live": "polite" } });
    const consent = el("p", { part: "consent", className: "consent", text: CONSENT_TEXT });
    this.base.append(
      this.promptLine,
      this.promptImage,
      this.choices,
      this.actions,
      this.startButton,
      this.statusLine,
      this.errorLine,
      consent,
    );
    for (const button of [none, skip, this.startButton]) button.type = "button";
    none.addEventListener("click", () => void this.answer(NONE_FITS));
    skip.addEventListener("click", () => void this.skip());
    this.startButton.addEventListener("click", () => void this.next());
    void this.showTask(undefined);
  }

  /** The API's URL (default: the API of the site that serves the widget). */
  get api(): string {
    return this.getAttribute("api") ?? __COMMONSPACE_DEFAULT_API__;
  }
  set api(value: string) {
    this.setAttribute("api", value);
  }

  /** Task kind: "caption-for-image" (default) or "image-for-caption". */
  get kind(): string {
    return this.getAttribute("kind") ?? "caption-for-image";
  }
  set kind(value: string) {
    this.setAttribute("kind", value);
  }

  /** The task shown now (read-only). */
  get currentTask(): LabelTask | undefined {
    return this.task;
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return;
    if (name === "loading") {
      if (value === "eager" && this.isConnected) this.start();
      return;
    }
    this.client = undefined;
    void this.showTask(undefined);
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    queueMicrotask(() => {
      this.refreshQueued = false;
      // A started widget whose visitor already pressed Start shows a task for the new attributes at once.
      if (this.check()?.hasToken() && this.isStarted) void this.next();
    });
  }

  /**
   * Answers the shown task with a candidate id or "none"; fires `commonspace-answer` and shows the next task.
   * Resolves to the receipt, or null when there was no task or the answer failed (`commonspace-error`).
   */
  async answer(choice: string): Promise<LabelAnswerDetail | null> {
    const task = this.task;
    const client = this.client;
    if (!task || !client) return null;
    if (choice !== NONE_FITS && !task.candidates.some((c) => c.id === choice)) return null;
    this.task = undefined;
    this.setBusy(true);
    try {
      const receipt = await client.answer(task, choice);
      const detail: LabelAnswerDetail = { ...receipt, kind: task.kind };
      this.answered += 1;
      this.emit("commonspace-answer", detail);
      void this.next();
      return detail;
    } catch (error) {
      this.report(error);
      void this.next(true);
      return null;
    }
  }

  /** Shows another task without answering this one. */
  async skip(): Promise<void> {
    await this.next();
  }

  protected onStart(): void {
    const client = this.check();
    if (client?.hasToken()) void this.next();
  }

  /** Checks the attributes; the API client for them, or undefined (and the problem shown). */
  private check(): LabelApi | undefined {
    try {
      const api = parseApi(this.getAttribute("api"), __COMMONSPACE_DEFAULT_API__);
      parseTaskKind(this.getAttribute("kind"));
      if (this.client?.api !== api) this.client = new LabelApi(api, storage());
      this.clearProblem();
      return this.client;
    } catch (error) {
      this.client = undefined;
      this.report(error, true);
      return undefined;
    }
  }

  /**
   * Fetches and shows the next task (creating the contributor token on the first one). `keepProblem`: the
   * message of a failed answer stays up over the next task.
   */
  private async next(keepProblem = false): Promise<void> {
    this.start();
    const client = keepProblem ? this.client : this.check();
    if (!client) return;
    const kind = parseTaskKind(this.getAttribute("kind"));
    this.startButton.hidden = true;
    this.setBusy(true);
    this.say(this.answered > 0 ? `${this.answered} answered · fetching the next task…` : "Fetching a task…");
    try {
      const task = await client.nextTask(kind, CANDIDATES);
      if (this.client !== client) return; // the attributes changed meanwhile
      if (!keepProblem) this.clearProblem();
      await this.showTask(task);
      this.say(this.answered > 0 ? `${this.answered} answered. Thank you!` : "");
    } catch (error) {
      if (this.client !== client) return;
      this.showTask(undefined);
      this.say("");
      this.report(error);
      this.startButton.hidden = false;
      this.startButton.textContent = "Try again";
    } finally {
      this.setBusy(false);
    }
  }

  private async showTask(task: LabelTask | undefined): Promise<void> {
    this.task = task;
    this.promptImage.hidden = !task || !("image" in task.prompt);
    this.choices.hidden = this.actions.hidden = !task;
    this.startButton.hidden = Boolean(task);
    if (!task) {
      this.promptLine.textContent = "Help pair images and captions.";
      this.choices.replaceChildren();
      return;
    }
    const prompt = task.prompt;
    this.promptLine.textContent =
      "image" in prompt ? "Which caption fits this image?" : `Which image fits “${prompt.caption.text}”?`;
    this.choices.classList.toggle("images", task.kind === "image-for-caption");
    const items = task.candidates.map((candidate, i) => this.choiceItem(candidate, i));
    this.choices.replaceChildren(...items.map((item) => item.element));
    const images: Promise<void>[] = items.map((item) => item.image);
    if ("image" in prompt) images.push(this.drawImage(this.promptImage, prompt.image.url));
    await Promise.all(images);
  }

  private choiceItem(
    candidate: TaskCandidate,
    index: number,
  ): { element: HTMLLIElement; image: Promise<void> } {
    const button = el("button", { part: "button choice", className: "choice" });
    button.type = "button";
    button.dataset.choice = candidate.id;
    button.addEventListener("click", () => void this.answer(candidate.id));
    let image = Promise.resolve();
    if ("caption" in candidate) {
      button.textContent = candidate.caption.text;
    } else {
      const canvas = el("canvas", {
        part: "image choice-image",
        className: "choice-image",
        attributes: { role: "img", "aria-label": `Image ${index + 1}` },
      });
      button.append(canvas);
      image = this.drawImage(canvas, candidate.image.url);
    }
    return { element: el("li", {}, [button]), image };
  }

  /** Draws an API image into `canvas`; a failed image shows as an empty square (the task stays usable). */
  private async drawImage(canvas: HTMLCanvasElement, url: string): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const bitmap = await createImageBitmap(await client.image(url));
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.getContext("2d")?.drawImage(bitmap, 0, 0);
      bitmap.close();
    } catch {
      drawPixels(canvas, new ImageData(1, 1));
    }
  }

  private setBusy(busy: boolean): void {
    for (const button of this.base.querySelectorAll("button"))
      if (button !== this.startButton) button.disabled = busy;
  }

  private say(text: string): void {
    this.statusLine.textContent = text;
  }
}

/** The host page's localStorage, where it can be used (sandboxed frames and some privacy modes refuse it). */
function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}
