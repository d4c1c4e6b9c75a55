/**
 * The admin import batch (docs/dataset-format.md section 2): up to 100 curated images with captions. Every item
 * is decoded, inspected, stripped of metadata and normalised before anything is written, so one bad item
 * rejects the whole batch with a 4xx naming it and nothing changes. `sha256`, when given, checks the bytes as
 * sent; the image is stored (and named) by the SHA-256 of its stripped bytes, the same for clean seed PNGs.
 */
import { fromBase64, sha256Hex, SHA256_HEX_PATTERN } from "@commonspace/manifest";
import { z } from "zod";
import { ApiError } from "../errors";
import type { ImageInfo } from "../images/inspect-image";
import { prepareImage } from "../images/prepare-image";
import { normaliseCaption, normaliseText } from "../text/normalise-text";
import { spdxLicence } from "./licences";

/** Most items in one import request. */
export const MAX_IMPORT_ITEMS = 100;

const importItem = z.object({
  image_base64: z.string().min(1).max(2_900_000),
  /** Optional: when given it must match the SHA-256 of the decoded bytes. */
  sha256: z.string().regex(SHA256_HEX_PATTERN).optional(),
  source: z.string().regex(/^[A-Za-z0-9@/._:-]{1,100}$/, "expected a package-like source name"),
  licence: spdxLicence,
  attribution: z.string().max(2000).default(""),
  concept: z.string().max(400).nullable().optional(),
  category: z.string().max(400).nullable().optional(),
  captions: z.array(z.string().max(4000)).min(1).max(64),
});

/** Request body schema. */
export const importBatchBody = z.object({ items: z.array(importItem).min(1).max(MAX_IMPORT_ITEMS) });

/** An item after every check. */
export interface CheckedImportItem {
  sha256: string;
  bytes: Uint8Array;
  info: ImageInfo;
  /** Whether metadata was removed (the stored SHA-256 then differs from the bytes sent). */
  stripped: boolean;
  source: string;
  licence: string;
  attribution: string;
  concept: string | null;
  category: string | null;
  captions: string[];
}

function optionalText(raw: string | null | undefined, field: string): string | null {
  if (raw === null || raw === undefined || raw.trim() === "") return null;
  return normaliseText(raw, { field, max: 200 });
}

async function checkItem(item: z.infer<typeof importItem>): Promise<CheckedImportItem> {
  const bytes = fromBase64(item.image_base64);
  if (!bytes) throw new ApiError(422, "invalid_image", "image_base64 is not valid base64.");
  if (item.sha256) {
    const sent = await sha256Hex(bytes);
    if (item.sha256 !== sent) {
      throw new ApiError(422, "sha256_mismatch", `sha256 ${item.sha256} does not match the bytes (${sent}).`);
    }
  }
  const image = await prepareImage(bytes, null);
  return {
    sha256: image.sha256,
    bytes: image.bytes,
    info: image.info,
    stripped: image.removed.length > 0,
    source: item.source,
    licence: item.licence,
    attribution: normaliseText(item.attribution, { field: "attribution", min: 0, max: 500 }),
    concept: optionalText(item.concept, "concept"),
    category: optionalText(item.category, "category"),
    captions: [...new Set(item.captions.map(normaliseCaption))],
  };
}

/** Checks every item; the first failure is rethrown with its item index prefixed. */
export async function checkImportItems(items: z.infer<typeof importBatchBody>["items"]) {
  const checked: CheckedImportItem[] = [];
  for (const [index, item] of items.entries()) {
    try {
      checked.push(await checkItem(item));
    } catch (err) {
      if (err instanceof ApiError)
        throw new ApiError(err.status, err.code, `items[${index}]: ${err.message}`);
      throw err;
    }
  }
  return checked;
}
