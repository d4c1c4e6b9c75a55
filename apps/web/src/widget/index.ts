// The widget's ES module (/widget/<version>/commonspace-widget.js): importing it defines <commonspace-generate>
// and <commonspace-label>. A second copy on the page (another version, or the `latest` alias next to a pinned
// URL) leaves the first definitions in place rather than throwing.
import { CommonspaceGenerateElement } from "./generate-element";
import { CommonspaceLabelElement } from "./label-element";
export { CommonspaceGenerateElement } from "./generate-element";
export type { GenerateProgressDetail, GenerateResultDetail, GenerateState } from "./generate-element";
export { CommonspaceLabelElement, NONE_FITS } from "./label-element";
export type { LabelAnswerDetail } from "./label-element";
export type { WidgetErrorCode, WidgetProblem } from "./errors";
export { WIDGET_VERSION } from "./version";

const ELEMENTS: readonly [string, CustomElementConstructor][] = [
  ["commonspace-generate", CommonspaceGenerateElement],
  ["commonspace-label", CommonspaceLabelElement],
];

for (const [name, element] of ELEMENTS) {
  if (!customElements.get(name)) customElements.define(name, element);
}

declare global {
  interface HTMLElementTagNameMap {
    "commonspace-generate": CommonspaceGenerateElement;
    "commonspace-label": CommonspaceLabelElement;
  }
  interface HTMLElementEventMap {
    "commonspace-progress": CustomEvent<import("./generate-element").GenerateProgressDetail>;
    "commonspace-result": CustomEvent<import("./generate-element").GenerateResultDetail>;
    "commonspace-error": CustomEvent<import("./errors").WidgetProblem>;
    "commonspace-answer": CustomEvent<import("./label-element").LabelAnswerDetail>;
  }
}
