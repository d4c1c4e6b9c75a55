/**
 * The contribution form (multipart): `image` (file part with its Content-Type), `caption`, `licence`,
 * `consent` ("true"), `terms_version` (the version of GET /v1/terms the contributor was shown) and an optional
 * `attribution`. Text parts are decoded as strict UTF-8, then validated with zod and normalised; unknown or
 * repeated fields are refused so nothing is silently dropped.
 */
import { z } from "zod";
import { ApiError } from "../errors";
import type { BufferedPart } from "../http/multipart-stream";
import { describeIssue } from "../middleware/validate";
import { normaliseCaption, normaliseText } from "../text/normalise-text";
import { decodeUtf8Strict } from "../text/utf8";
import { contributionLicence } from "./licences";
import { TERMS_VERSION } from "./terms";

/** Attribution used when a contributor gives none. */
export const DEFAULT_ATTRIBUTION = "Anonymous Commonspace contributor";

const FIELDS = ["image", "caption", "licence", "consent", "terms_version", "attribution"] as const;
const TEXT_FIELDS = FIELDS.filter((name) => name !== "image");

const textFields = z.object({
  caption: z.string({ error: "caption is required" }),
  licence: contributionLicence,
  consent: z.literal("true", { error: 'consent must be "true": you agree to share under the licence' }),
  terms_version: z
    .string({ error: "terms_version is required: the version of GET /v1/terms you agreed to" })
    .max(64),
  attribution: z.string().optional(),
});

/** A validated contribution, before the image bytes are inspected. */
export interface ContributionForm {
  image: BufferedPart;
  caption: string;
  licence: z.infer<typeof contributionLicence>;
  attribution: string;
  termsVersion: string;
}

function byFieldName(parts: BufferedPart[]): Map<string, BufferedPart> {
  const byName = new Map<string, BufferedPart>();
  for (const part of parts) {
    if (!(FIELDS as readonly string[]).includes(part.name)) {
      throw new ApiError(
        422,
        "invalid_form",
        `Unknown form field ${JSON.stringify(part.name.slice(0, 40))}.`,
      );
    }
    if (byName.has(part.name)) throw new ApiError(422, "invalid_form", `Field ${part.name} appears twice.`);
    byName.set(part.name, part);
  }
  return byName;
}

/**
 * Validates the parts of a contribution; throws 422 `invalid_form`, 400 `invalid_utf8`, 422 `invalid_caption`
 * or 409 `terms_outdated`.
 */
export function readContributionForm(parts: BufferedPart[]): ContributionForm {
  const byName = byFieldName(parts);
  const image = byName.get("image");
  if (!image || image.data.length === 0)
    throw new ApiError(422, "invalid_form", "The image field is missing.");
  const text: Record<string, string> = {};
  for (const name of TEXT_FIELDS) {
    const part = byName.get(name);
    if (part) text[name] = decodeUtf8Strict(part.data, name);
  }
  const parsed = textFields.safeParse(text);
  if (!parsed.success)
    throw new ApiError(422, "invalid_form", `Invalid form: ${describeIssue(parsed.error)}.`);
  if (parsed.data.terms_version !== TERMS_VERSION) {
    throw new ApiError(
      409,
      "terms_outdated",
      `terms_version ${JSON.stringify(parsed.data.terms_version)} is not the current terms (${TERMS_VERSION}); ` +
        "show the contributor GET /v1/terms and ask for consent again.",
    );
  }
  return {
    image,
    caption: normaliseCaption(parsed.data.caption),
    licence: parsed.data.licence,
    termsVersion: TERMS_VERSION,
    attribution:
      parsed.data.attribution === undefined || parsed.data.attribution.trim() === ""
        ? DEFAULT_ATTRIBUTION
        : normaliseText(parsed.data.attribution, { field: "attribution", max: 200 }),
  };
}
