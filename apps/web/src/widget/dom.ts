// Small DOM helpers for the widgets' shadow trees. Elements are built with createElement and textContent, never
// from HTML strings, so pages that enforce Trusted Types (or forbid inline markup) are never asked for anything.

/** Options of {@link el}. */
export interface ElementOptions {
  /** `part` names (the host styles them with `::part(...)`). */
  readonly part?: string;
  readonly className?: string;
  readonly text?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A new element of `tag` with `options` and `children`. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: readonly Node[] = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.part) element.setAttribute("part", options.part);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  for (const [name, value] of Object.entries(options.attributes ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** Draws RGBA pixels into `canvas` (sized to the image; CSS scales it up, pixelated). */
export function drawPixels(canvas: HTMLCanvasElement, image: ImageData): void {
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext("2d")?.putImageData(image, 0, 0);
}

/** A PNG of what `canvas` shows. */
export function canvasPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("the canvas gave no PNG"))),
      "image/png",
    ),
  );
}

const waiting = new Map<Element, () => void>();
let observer: IntersectionObserver | undefined;

/**
 * Calls `callback` once, when `element` first comes within 200 px of the viewport (at once where there is no
 * IntersectionObserver). Returns the function that stops waiting.
 */
export function whenVisible(element: Element, callback: () => void): () => void {
  if (typeof IntersectionObserver === "undefined") {
    queueMicrotask(callback);
    return () => undefined;
  }
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const run = waiting.get(entry.target);
        stop(entry.target);
        run?.();
      }
    },
    { rootMargin: "200px" },
  );
  waiting.set(element, callback);
  observer.observe(element);
  return () => stop(element);
}

function stop(element: Element): void {
  waiting.delete(element);
  observer?.unobserve(element);
}
