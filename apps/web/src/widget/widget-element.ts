// What both widgets share: an open shadow root with adopted stylesheets, lazy start (nothing is fetched until
// the element comes near the viewport, or is used, or has loading="eager"), the error line inside the element
// together with the `commonspace-error` event, and events that cross the shadow boundary.
//
// The elements are plain HTMLElement subclasses rather than Svelte components compiled as custom elements:
// Svelte's custom elements bring its runtime and inject <style> elements (which a host CSP without
// 'unsafe-inline' blocks), and two small elements need neither; this keeps the widget's own script a few KB.
import { el, whenVisible } from "./dom";
import { describeProblem, type WidgetProblem } from "./errors";

/** `loading` values: start when near the viewport (default) or at once. */
export type WidgetLoading = "lazy" | "eager";

/** Base class of the widgets; see the file header. */
export abstract class WidgetElement extends HTMLElement {
  protected readonly root: ShadowRoot;
  protected readonly base: HTMLDivElement;
  protected readonly errorLine: HTMLParagraphElement;
  private started = false;
  private stopWatching: (() => void) | undefined;
  private shownProblem: string | undefined;

  constructor(sheets: CSSStyleSheet[]) {
    super();
    this.root = this.attachShadow({ mode: "open" });
    this.root.adoptedStyleSheets = sheets;
    this.errorLine = el("p", { part: "error", className: "error", attributes: { role: "alert" } });
    this.errorLine.hidden = true;
    this.base = el("div", { part: "base", className: "base" });
    this.root.append(this.base);
  }

  /** `loading`: "lazy" (default: start when the element nears the viewport) or "eager". */
  get loading(): WidgetLoading {
    return this.getAttribute("loading") === "eager" ? "eager" : "lazy";
  }
  set loading(value: WidgetLoading) {
    this.setAttribute("loading", value);
  }

  /** The API this widget talks to (the `api` attribute, else the build's default). */
  abstract get api(): string;

  connectedCallback(): void {
    if (this.started) return;
    if (this.loading === "eager") queueMicrotask(() => this.start());
    else this.stopWatching = whenVisible(this, () => this.start());
  }

  disconnectedCallback(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  /** Starts the widget's work once (first visibility or first use). */
  protected start(): void {
    if (this.started) return;
    this.started = true;
    this.stopWatching?.();
    this.onStart();
  }

  /** Whether the widget has started (been visible or used). */
  protected get isStarted(): boolean {
    return this.started;
  }

  /** What the widget does when it starts (preload the model, fetch a task). */
  protected abstract onStart(): void;

  /**
   * Shows `error` inside the element and fires `commonspace-error`. `passive` (a check after an attribute
   * changed, not an action) fires only when the message differs from the one already shown.
   */
  protected report(error: unknown, passive = false): WidgetProblem {
    const problem = describeProblem(error, this.apiForMessages());
    const repeated = this.shownProblem === problem.message;
    this.shownProblem = problem.message;
    this.errorLine.textContent = problem.message;
    this.errorLine.hidden = false;
    if (!(passive && repeated)) this.emit("commonspace-error", problem);
    return problem;
  }

  /** Hides the error line. */
  protected clearProblem(): void {
    this.shownProblem = undefined;
    this.errorLine.hidden = true;
    this.errorLine.textContent = "";
  }

  /** Dispatches a `commonspace-*` event that bubbles out of the shadow root to the host page. */
  protected emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }

  private apiForMessages(): string {
    try {
      return this.api;
    } catch {
      return this.getAttribute("api") ?? "(no api attribute)";
    }
  }
}

/** Sets or removes an attribute from a property value (null and undefined remove it). */
export function reflect(element: Element, name: string, value: string | number | null | undefined): void {
  if (value === null || value === undefined) element.removeAttribute(name);
  else element.setAttribute(name, String(value));
}
