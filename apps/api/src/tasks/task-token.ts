/**
 * Signed labelling tasks. A task token is `base64url(claims JSON) "." base64url(HMAC-SHA-256)`, keyed with the
 * TASK_SIGNING_KEY secret through WebCrypto. The claims bind the task id, the contributor it was issued to,
 * the prompt, the candidates and the expiry, so an answer to a task that was never issued, was altered,
 * belongs to someone else or has expired is refused before anything is written.
 */
import { z } from "zod";
import { decodeBase64Url, encodeBase64Url } from "../crypto/base64url";
import { ApiError } from "../errors";

/** The two kinds of labelling task. */
export const TASK_KINDS = ["caption-for-image", "image-for-caption"] as const;
/** One of {@link TASK_KINDS}. */
export type TaskKind = (typeof TASK_KINDS)[number];

/** What a task token asserts. */
export const taskClaims = z.object({
  v: z.literal(1),
  id: z.uuid(),
  kind: z.enum(TASK_KINDS),
  /** Contributor the task was issued to. */
  sub: z.string().min(1),
  /** The image SHA-256 (caption-for-image) or caption id (image-for-caption) shown as the question. */
  prompt: z.string().min(1),
  /** Candidate caption ids or image SHA-256s, in the order shown. */
  candidates: z.array(z.string().min(1)).min(2).max(16),
  /** Version of the model that proposed the candidates; null for lexical hard negatives. */
  mv: z.string().nullable(),
  /** Expiry, seconds since the epoch. */
  exp: z.number().int(),
});
/** Claims of a task token. */
export type TaskClaims = z.infer<typeof taskClaims>;

/** How long a task stays answerable. */
export const TASK_TTL_SECONDS = 15 * 60;

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

/** Signs claims into a task token. */
export async function signTask(claims: TaskClaims, secret: string): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(claims));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), payload));
  return `${encodeBase64Url(payload)}.${encodeBase64Url(mac)}`;
}

function forged(): ApiError {
  return new ApiError(
    403,
    "task_signature_invalid",
    "This task token was not issued by this API or was altered.",
  );
}

/**
 * Verifies a token for task `taskId`, answered by `contributorId` at `nowSeconds`. Throws 403 for a bad
 * signature, another task or another contributor, 410 once expired.
 */
export async function verifyTask(
  token: string,
  secret: string,
  expected: { taskId: string; contributorId: string; nowSeconds: number },
): Promise<TaskClaims> {
  const [payloadText, macText, ...rest] = token.split(".");
  const payload = decodeBase64Url(payloadText ?? "");
  const mac = decodeBase64Url(macText ?? "");
  if (!payload || !mac || rest.length > 0) throw forged();
  // crypto.subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify("HMAC", await hmacKey(secret), mac, payload))) throw forged();
  let parsed: ReturnType<typeof taskClaims.safeParse>;
  try {
    parsed = taskClaims.safeParse(JSON.parse(new TextDecoder().decode(payload)));
  } catch {
    throw forged();
  }
  if (!parsed.success) throw forged();
  const claims = parsed.data;
  if (claims.id !== expected.taskId) {
    throw new ApiError(403, "task_mismatch", "This token belongs to a different task id than the URL names.");
  }
  if (claims.sub !== expected.contributorId) {
    throw new ApiError(403, "task_not_yours", "This task was issued to another contributor.");
  }
  if (claims.exp <= expected.nowSeconds) throw new ApiError(410, "task_expired", "This task has expired.");
  return claims;
}
