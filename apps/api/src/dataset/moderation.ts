/**
 * Moderation decisions, one or many, applied in one D1 batch (all or nothing). Approving an image approves its
 * pending pairs; rejecting it rejects its pending and approved pairs, records removals for those that were
 * served, and deletes its R2 bytes, so a rejection is final (approving a removed image is a 409). A pair is
 * approved or rejected on its own (a new caption on an approved image); a withdrawn pair is the
 * contributor's decision and cannot be moderated back.
 */
import type { Env } from "../env";
import { ApiError } from "../errors";
import { deleteImageBytes } from "./image-bytes";
import { recordRemovals } from "./removals";

/** One decision, on an image (by SHA-256) or on one pair. */
export type Decision =
  | { image: string; status: "approved" | "rejected"; reason: string | null }
  | { pair_id: string; status: "approved" | "rejected" };

/** What each decision answers. */
export type DecisionResult =
  { sha256: string; status: string; pairs_settled: number } | { pair_id: string; status: string };

interface ImageState {
  id: number;
  sha256: string;
  status: string;
  r2_key: string;
}
interface PairState {
  id: number;
  status: string;
  image_status: string;
}

async function loadTargets(db: D1Database, decisions: Decision[]) {
  const shas = decisions.flatMap((d) => ("image" in d ? [d.image] : []));
  const pairIds = decisions.flatMap((d) => ("pair_id" in d ? [Number(d.pair_id)] : []));
  const [images, pairs] = await db.batch<ImageState | PairState>([
    db
      .prepare(
        "SELECT id, sha256, status, r2_key FROM images WHERE sha256 IN (SELECT value FROM json_each(?))",
      )
      .bind(JSON.stringify(shas)),
    db
      .prepare(
        `SELECT p.id, p.status, i.status AS image_status FROM pairs p JOIN images i ON i.id = p.image_id
         WHERE p.id IN (SELECT value FROM json_each(?))`,
      )
      .bind(JSON.stringify(pairIds)),
  ]);
  return {
    images: new Map((images?.results as ImageState[]).map((row) => [row.sha256, row])),
    pairs: new Map((pairs?.results as PairState[]).map((row) => [row.id, row])),
  };
}

const REMOVED = ["rejected", "withdrawn"];

function check(decision: Decision, targets: Awaited<ReturnType<typeof loadTargets>>, label: string) {
  if ("image" in decision) {
    const image = targets.images.get(decision.image);
    if (!image) throw new ApiError(404, "image_not_found", `${label}No image ${decision.image}.`);
    const final =
      image.status === "withdrawn" || (image.status === "rejected" && decision.status === "approved");
    if (final) {
      throw new ApiError(
        409,
        "image_removed",
        `${label}Image ${decision.image} was ${image.status} and its bytes deleted; it cannot be ${decision.status}.`,
      );
    }
    return image;
  }
  const pair = targets.pairs.get(Number(decision.pair_id));
  if (!pair) throw new ApiError(404, "pair_not_found", `${label}No pair ${decision.pair_id}.`);
  if (pair.status === "withdrawn") {
    throw new ApiError(
      409,
      "pair_withdrawn",
      `${label}Pair ${decision.pair_id} was withdrawn by its contributor.`,
    );
  }
  if (decision.status === "approved" && REMOVED.includes(pair.image_status)) {
    throw new ApiError(
      409,
      "image_removed",
      `${label}The image of pair ${decision.pair_id} was ${pair.image_status}.`,
    );
  }
  return null;
}

type ImageDecision = Extract<Decision, { image: string }>;
type PairDecision = Extract<Decision, { pair_id: string }>;

function imageStatements(db: D1Database, image: ImageState, decision: ImageDecision, now: number) {
  const settle = decision.status === "approved" ? "('pending')" : "('pending', 'approved')";
  return [
    ...(decision.status === "rejected"
      ? [recordRemovals(db, "p.image_id = ?3", [image.id], "rejected", now)]
      : []),
    db
      .prepare(
        `UPDATE images SET status = ?1, moderation_reason = ?2, moderated_at = ?3,
           removed_at = CASE WHEN ?1 = 'rejected' THEN ?3 END
         WHERE id = ?4`,
      )
      .bind(decision.status, decision.reason, now, image.id),
    db
      .prepare(
        `UPDATE pairs SET status = ?1, moderated_at = ?2 WHERE image_id = ?3 AND status IN ${settle} RETURNING id`,
      )
      .bind(decision.status, now, image.id),
  ];
}

function pairStatements(db: D1Database, decision: PairDecision, now: number) {
  return [
    ...(decision.status === "rejected"
      ? [recordRemovals(db, "p.id = ?3", [Number(decision.pair_id)], "rejected", now)]
      : []),
    db
      .prepare("UPDATE pairs SET status = ?1, moderated_at = ?2 WHERE id = ?3")
      .bind(decision.status, now, Number(decision.pair_id)),
  ];
}

/**
 * Checks every decision, then applies all of them in one batch and deletes the bytes of rejected images.
 * `labels` prefixes error messages with the decision's index (bulk requests). Throws 404 / 409 / 422, having
 * changed nothing.
 */
export async function applyDecisions(
  env: Env,
  decisions: Decision[],
  labels = false,
): Promise<DecisionResult[]> {
  const db = env.DB;
  const label = (i: number) => (labels ? `decisions[${i}]: ` : "");
  const seen = new Set<string>();
  decisions.forEach((d, i) => {
    const key = "image" in d ? `image:${d.image}` : `pair:${d.pair_id}`;
    if (seen.has(key)) throw new ApiError(422, "invalid_body", `${label(i)}${key} is decided twice.`);
    seen.add(key);
  });
  const targets = await loadTargets(db, decisions);
  const now = Date.now();
  const plan = decisions.map((decision, i) => {
    const image = check(decision, targets, label(i));
    const statements =
      "image" in decision && image
        ? imageStatements(db, image, decision, now)
        : pairStatements(db, decision as PairDecision, now);
    return { decision, image, statements };
  });
  const results = await db.batch(plan.flatMap((step) => step.statements));
  let at = 0;
  const answers = plan.map(({ decision, statements }): DecisionResult => {
    at += statements.length;
    if ("image" in decision) {
      return {
        sha256: decision.image,
        status: decision.status,
        pairs_settled: results[at - 1]?.results.length ?? 0,
      };
    }
    return { pair_id: decision.pair_id, status: decision.status };
  });
  const rejected = plan.flatMap((step) =>
    step.image && step.decision.status === "rejected" ? [step.image.r2_key] : [],
  );
  await deleteImageBytes(env.BUCKET, rejected);
  return answers;
}
