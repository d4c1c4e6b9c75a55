// The shadow tree of <commonspace-generate> and what the element does to it: the caption form (field, Generate,
// Cancel), the grid of canvases that partial and final images are painted into, the status line, the progress
// bar and the footer. It holds no state beyond the DOM; the element (generate-element.ts) decides what to show.
import type { RgbaImage } from "@commonspace/model/client";
import { DEFAULT_COUNT, MAX_CAPTION } from "./attributes";
import { drawPixels, el } from "./dom";

const FOOTER = "Images made on your device by Commonspace";

/** The generate widget's view; see the file header. */
export class GenerateView {
  readonly form: HTMLFormElement;
  readonly input: HTMLInputElement;
  readonly cancelButton: HTMLButtonElement;
  private readonly generateButton: HTMLButtonElement;
  private readonly grid: HTMLUListElement;
  private readonly statusLine: HTMLParagraphElement;
  private readonly progress: HTMLDivElement;
  private readonly bar: HTMLDivElement;
  private readonly footer: HTMLParagraphElement;

  /** Builds the tree into `base`, with the element's `errorLine` between the progress bar and the footer. */
  constructor(base: HTMLElement, errorLine: HTMLElement) {
    this.input = el("input", {
      part: "input",
      attributes: {
        type: "text",
        maxlength: String(MAX_CAPTION),
        placeholder: "Describe an image…",
        "aria-label": "Caption",
      },
    });
    this.generateButton = el("button", { part: "button generate-button", text: "Generate" });
    this.generateButton.type = "submit";
    this.cancelButton = el("button", {
      part: "button cancel-button",
      className: "secondary",
      text: "Cancel",
    });
    this.cancelButton.type = "button";
    this.cancelButton.hidden = true;
    this.form = el("form", { part: "form", className: "form" }, [
      this.input,
      this.generateButton,
      this.cancelButton,
    ]);
    this.grid = el("ul", {
      part: "grid",
      className: "grid",
      attributes: { "aria-label": "Generated images" },
    });
    this.statusLine = el("p", { part: "status", className: "status", attributes: { "aria-live": "polite" } });
    this.bar = el("div", { part: "progress-bar", className: "progress-bar" });
    this.progress = el("div", { part: "progress", className: "progress" }, [this.bar]);
    this.progress.hidden = true;
    this.footer = el("p", { part: "footer", className: "footer", text: FOOTER });
    base.append(this.form, this.grid, this.statusLine, this.progress, errorLine, this.footer);
    this.renderCells(DEFAULT_COUNT);
  }

  /** Makes the grid `count` empty cells (kept as they are when the count is the same). */
  renderCells(count: number): void {
    if (this.grid.childElementCount === count) return;
    const cells = Array.from({ length: count }, (_, i) =>
      el("li", { part: "cell", className: "cell" }, [
        el("canvas", {
          part: "image",
          className: "image",
          attributes: { role: "img", "aria-label": `Image ${i + 1} of ${count}` },
        }),
      ]),
    );
    this.grid.replaceChildren(...cells);
  }

  /** Paints image `index` (a partial one while sampling, the final one after). */
  paint(index: number, image: ImageData | RgbaImage): void {
    const canvas = this.grid.children[index]?.querySelector("canvas");
    if (canvas) drawPixels(canvas, image instanceof ImageData ? image : toImageData(image));
  }

  /** The grid's canvases, in order. */
  canvases(): HTMLCanvasElement[] {
    return [...this.grid.querySelectorAll("canvas")];
  }

  say(text: string): void {
    this.statusLine.textContent = text;
  }

  /** Shows the progress bar at `fraction` (through the CSSOM, which a CSP without 'unsafe-inline' allows). */
  setBar(fraction: number): void {
    this.progress.hidden = false;
    this.bar.style.transform = `scaleX(${Math.max(0, Math.min(1, fraction))})`;
  }

  hideBar(): void {
    this.progress.hidden = true;
  }

  /** While a generation runs: Generate disabled, Cancel shown, the bar at zero. */
  setRunning(running: boolean): void {
    this.generateButton.disabled = running;
    this.cancelButton.hidden = !running;
    if (running) this.setBar(0);
  }

  showVersion(version: string): void {
    this.footer.textContent = `${FOOTER} · model ${version}`;
  }
}

/** An RgbaImage as the ImageData a host can draw or read (a copy). */
export function toImageData(image: RgbaImage): ImageData {
  return new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
}
