/**
 * The contribution terms: one current version, published by GET /v1/terms so the contribute page can show the
 * text a contributor agrees to, and recorded (version and time) with every contribution. A contribution that
 * names another version is refused (409 `terms_outdated`): the contributor saw text that no longer applies.
 * Changing the text means a new version here and in docs/api.md.
 */
import { CONTRIBUTION_LICENCES } from "./licences";

/** The current terms version (a date, so versions sort). */
export const TERMS_VERSION = "2026-12-01";

/** What a contributor agrees to, in plain words. */
export const TERMS_TEXT = [
  "You took this picture or made this image yourself, or you have the right to share it, and it shows no",
  "private information about anyone who has not agreed to it.",
  "You share it under the licence you pick, so anyone may reuse it under that licence, and Commonspace may",
  "use it, with its caption, to train and evaluate the image and text models it publishes.",
  "We remove the image's metadata (location, camera, time, comments) before we store it.",
  "You can withdraw a contribution at any time with the token of this browser: its image is deleted, and",
  "it leaves the training export; models trained before then are not retrained at once, but the next",
  "version trained without it.",
].join(" ");

/** One line per licence a contributor may choose. */
export const LICENCE_SUMMARIES: Record<(typeof CONTRIBUTION_LICENCES)[number], string> = {
  "CC0-1.0": "No rights reserved: anyone may use it for anything, without naming you.",
  "CC-BY-4.0": "Anyone may use it for anything, as long as they name you (your attribution).",
  "CC-BY-SA-4.0": "Anyone may use it if they name you and share what they make from it under the same terms.",
};

/** The body of GET /v1/terms. */
export function termsBody() {
  return {
    version: TERMS_VERSION,
    text: TERMS_TEXT,
    licences: CONTRIBUTION_LICENCES.map((id) => ({ id, summary: LICENCE_SUMMARIES[id] })),
  };
}
