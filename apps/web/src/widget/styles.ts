// The widgets' styles, as constructable stylesheets adopted by each shadow root: no <style> element and no style
// attribute, so a host CSP without 'unsafe-inline' in style-src allows them, and nothing reaches the host page.
// `.base` resets every inherited property (`all: initial`), so the host's fonts, colours and `* { … }` rules
// stop at the element's box; the custom properties below are the theming surface (they pass the reset).

const BASE_CSS = `
:host { display: block; }
:host([hidden]) { display: none; }
.base {
  all: initial;
  display: block;
  box-sizing: border-box;
  font-family: var(--commonspace-font-family, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  font-size: var(--commonspace-font-size, 14px);
  line-height: 1.4;
  color: var(--commonspace-color, #1d2128);
  background: var(--commonspace-background, #ffffff);
  border: 1px solid var(--commonspace-border-color, #d4d8de);
  border-radius: var(--commonspace-radius, 10px);
  padding: var(--commonspace-padding, 12px);
}
.base *, .base *::before, .base *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
button {
  font: inherit;
  margin: 0;
  color: var(--commonspace-accent-text, #ffffff);
  background: var(--commonspace-accent, #2b55c9);
  border: 1px solid var(--commonspace-accent, #2b55c9);
  border-radius: calc(var(--commonspace-radius, 10px) * 0.6);
  padding: 6px 12px;
  cursor: pointer;
}
button.secondary {
  color: var(--commonspace-color, #1d2128);
  background: var(--commonspace-surface, #f2f4f7);
  border-color: var(--commonspace-border-color, #d4d8de);
}
button:disabled { opacity: 0.55; cursor: default; }
button:focus-visible, input:focus-visible {
  outline: 2px solid var(--commonspace-focus-color, #2b55c9);
  outline-offset: 2px;
}
input {
  font: inherit;
  margin: 0;
  min-width: 0;
  flex: 1 1 auto;
  color: var(--commonspace-color, #1d2128);
  background: var(--commonspace-background, #ffffff);
  border: 1px solid var(--commonspace-border-color, #d4d8de);
  border-radius: calc(var(--commonspace-radius, 10px) * 0.6);
  padding: 6px 8px;
}
.status { margin: 8px 0 0; min-height: 1.4em; color: var(--commonspace-muted-color, #4f5866); }
.error {
  margin: 8px 0 0;
  padding: 6px 8px;
  border-radius: calc(var(--commonspace-radius, 10px) * 0.6);
  color: var(--commonspace-error-color, #a4221b);
  background: var(--commonspace-error-background, #fdeceb);
}
.progress {
  height: 4px;
  margin-top: 8px;
  overflow: hidden;
  border-radius: 2px;
  background: var(--commonspace-surface, #f2f4f7);
}
.progress-bar {
  height: 100%;
  transform-origin: left;
  transform: scaleX(0);
  background: var(--commonspace-accent, #2b55c9);
}
.footer, .consent { margin: 8px 0 0; font-size: 0.85em; color: var(--commonspace-muted-color, #4f5866); }
.footer a, .consent a { color: inherit; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
canvas { display: block; image-rendering: pixelated; }
`;

const GENERATE_CSS = `
.form { display: flex; gap: 8px; margin: 0; }
.grid {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(var(--commonspace-image-size, 96px), 1fr));
  gap: var(--commonspace-gap, 8px);
  margin: 10px 0 0;
  padding: 0;
  list-style: none;
}
.cell { margin: 0; aspect-ratio: 1; overflow: hidden; border-radius: 6px; background: var(--commonspace-surface, #f2f4f7); }
.image { width: 100%; height: 100%; }
`;

const LABEL_CSS = `
.prompt { margin: 0 0 8px; font-weight: 600; }
.prompt-image {
  width: var(--commonspace-image-size, 128px);
  height: var(--commonspace-image-size, 128px);
  margin: 0 0 8px;
  border-radius: 6px;
  background: var(--commonspace-surface, #f2f4f7);
}
.choices { display: grid; gap: 6px; margin: 0; padding: 0; list-style: none; }
.choices.images { grid-template-columns: repeat(auto-fill, minmax(88px, 1fr)); }
.choice {
  width: 100%;
  text-align: left;
  color: var(--commonspace-color, #1d2128);
  background: var(--commonspace-surface, #f2f4f7);
  border-color: var(--commonspace-border-color, #d4d8de);
}
.choice-image { width: 100%; aspect-ratio: 1; border-radius: 4px; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
`;

const sheets = new Map<string, CSSStyleSheet>();

function sheet(css: string): CSSStyleSheet {
  let found = sheets.get(css);
  if (!found) {
    found = new CSSStyleSheet();
    found.replaceSync(css);
    sheets.set(css, found);
  }
  return found;
}

/** The sheets of a generate widget (shared by every instance). */
export function generateSheets(): CSSStyleSheet[] {
  return [sheet(BASE_CSS), sheet(GENERATE_CSS)];
}

/** The sheets of a label widget (shared by every instance). */
export function labelSheets(): CSSStyleSheet[] {
  return [sheet(BASE_CSS), sheet(LABEL_CSS)];
}
