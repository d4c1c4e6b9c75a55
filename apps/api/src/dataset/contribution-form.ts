/**
 * The contribution form (multipart): `image` (file part with its Content-Type), `caption`, `licence`,
 * `consent` ("true") and an optional `attribution`. Text parts are decoded as strict UTF-8, then validated with
 * zod and normalised; unknown or repeated fields are refused so nothing is silently dropped.
 */
import { z } from "zod";
import { ApiError } from "../errors";
import type { MultipartPart } from "../http/multipart";
import { describeIssue } from "../middleware/validate";
import { normaliseCaption, normaliseText } from "../text/normalise-text";
import { decodeUtf8Strict } from "../text/utf8";
import { contributionLicence } from "./licences";

/** Attribution used when a contributor gives none. */
export const DEFAULT_ATTRIBUTION = "Anonymous Commonspace contributor";

const FIELDS = ["image", "caption", "licence", "consent", "attribution"] as const;

const textFields = z.object({
  caption: z.string({ error: "caption is required" }),
  licence: contributionLicence,
  consent: z.literal("true", { error: 'consent must be "true": you agree to share under the licence' }),
  attribution: z.string().optional(),
});

/** A validated contribution, before the image bytes are inspected. */
export interface ContributionForm {
  image: MultipartPart;
  caption: string;
  licence: z.infer<typeof contributionLicence>;
  attribution: string;
}

/** Validates the parts of a contribution; throws 422 `invalid_form` or 400 `invalid_utf8`. */
export function readContributionForm(parts: MultipartPart[]): ContributionForm {
  const byName = new Map<string, MultipartPart>();
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
  const image = byName.get("image");
  if (!image || image.data.length === 0)
    throw new ApiError(422, "invalid_form", "The image field is missing.");
  const text: Record<string, string> = {};
  for (const name of ["caption", "licence", "consent", "attribution"]) {
    const part = byName.get(name);
    if (part) text[name] = decodeUtf8Strict(part.data, name);
  }
  const parsed = textFields.safeParse(text);
  if (!parsed.success)
    throw new ApiError(422, "invalid_form", `Invalid form: ${describeIssue(parsed.error)}.`);
  return {
    image,
    caption: normaliseCaption(parsed.data.caption),
    licence: parsed.data.licence,
    attribution:
      parsed.data.attribution === undefined || parsed.data.attribution.trim() === ""
        ? DEFAULT_ATTRIBUTION
        : normaliseText(parsed.data.attribution, { field: "attribution", max: 200 }),
  };
}
