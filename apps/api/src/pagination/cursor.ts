/**
 * Opaque pagination cursors: base64url JSON that clients pass back unchanged. The content is validated with a
 * zod schema on the way in, so a tampered cursor is a 400, never a query error.
 */
import type { z } from "zod";
import { decodeBase64Url, encodeBase64Url } from "../crypto/base64url";
import { ApiError } from "../errors";

/** Encodes a cursor value. */
export function encodeCursor(value: unknown): string {
  return encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)));
}

/** Decodes and validates a cursor, or throws 400 `invalid_cursor`. */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.output<S> {
  const bytes = decodeBase64Url(cursor);
  let value: unknown = undefined;
  try {
    value = bytes
      ? JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes))
      : undefined;
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, "invalid_cursor", "The cursor is not one this API issued.");
  return parsed.data;
}
