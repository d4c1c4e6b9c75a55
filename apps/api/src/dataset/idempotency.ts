/**
 * Idempotent writes (client-supplied `Idempotency-Key`, per contributor): the first request's response is
 * stored in the same D1 batch as its effects, so a retry with the same key and the same request replays it
 * exactly, and the same key with a different request is refused (422) without touching anything.
 */
import { z } from "zod";
import { ApiError } from "../errors";

/** Header schema: 1 to 128 visible ASCII characters without spaces. */
export const idempotencyHeader = z.object({
  "idempotency-key": z
    .string({ error: "the Idempotency-Key header is required" })
    .regex(/^[\x21-\x7e]{1,128}$/, "expected 1 to 128 visible ASCII characters"),
});

/** A stored response. */
export interface StoredResponse {
  status: number;
  body: string;
}

/**
 * The stored response for (contributor, key) when `requestHash` matches; `null` when the key is new; throws 422
 * `idempotency_key_reused` when the key was used for a different request.
 */
export async function findStoredResponse(
  db: D1Database,
  contributorId: string,
  key: string,
  requestHash: string,
): Promise<StoredResponse | null> {
  const row = await db
    .prepare(
      "SELECT request_hash, status_code, response FROM idempotency_keys WHERE contributor_id = ? AND key = ?",
    )
    .bind(contributorId, key)
    .first<{ request_hash: string; status_code: number; response: string }>();
  if (!row) return null;
  if (row.request_hash !== requestHash) {
    throw new ApiError(
      422,
      "idempotency_key_reused",
      "This Idempotency-Key was already used for a different request; use a new key for a new request.",
    );
  }
  return { status: row.status_code, body: row.response };
}

/** Answers with a stored response, marked with `Idempotent-Replayed: true`. */
export function replay(stored: StoredResponse): Response {
  return new Response(stored.body, {
    status: stored.status,
    headers: { "Content-Type": "application/json", "Idempotent-Replayed": "true" },
  });
}
