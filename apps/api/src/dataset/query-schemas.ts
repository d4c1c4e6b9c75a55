/** zod schemas for query and path values shared by several routes. */
import { z } from "zod";
import { SHA256_HEX_PATTERN } from "@commonspace/manifest";
import { MODERATION_STATUSES } from "./moderation-status";

/** Path parameter `:sha256`: exactly 64 lower-case hex digits (so `..%2F` and friends are a 400). */
export const sha256Param = z.object({
  sha256: z.string().regex(SHA256_HEX_PATTERN, "expected 64 lower-case hex digits"),
});

/** Path parameter `:id` of a pair (a contribution is named by its pair id): a positive integer. */
export const pairIdParam = z.object({ id: z.string().regex(/^[1-9][0-9]{0,15}$/, "expected a pair id") });

/** `limit` query value: an integer from 1 to `max`, `fallback` when absent. */
export function limitQuery(max: number, fallback: number) {
  return z.coerce.number().int().min(1).max(max).default(fallback);
}

/** Filters shared by the browse routes. */
export const browseQuery = z.object({
  cursor: z.string().max(512).optional(),
  limit: limitQuery(100, 50),
  source: z.string().min(1).max(100).optional(),
  licence: z.string().min(1).max(64).optional(),
  status: z.enum(MODERATION_STATUSES).default("approved"),
  q: z.string().max(200).optional(),
});

/** Cursor content of the browse routes: resume after this row id. */
export const afterIdCursor = z.object({ after: z.number().int().nonnegative() });
