/**
 * Turns a verified task answer into one D1 batch: the task_answers row (whose primary key refuses a second
 * answer), a positive judgment for the chosen candidate and explicit negatives for every other one ("none"
 * makes them all negative), and, when the chosen pairing is new, a pending pair of origin `task`.
 */
import type { TaskClaims } from "./task-token";

/** The value of `choice` that rejects every candidate. */
export const NONE_FITS = "none";

/** Statements recording `choice` for the task in `claims` (already verified). */
export function answerStatements(
  db: D1Database,
  claims: TaskClaims,
  choice: string,
  contributorId: string,
  now: number,
): D1PreparedStatement[] {
  const forImage = claims.kind === "caption-for-image";
  const judgments = claims.candidates.map((candidate) => ({
    sha256: forImage ? claims.prompt : candidate,
    caption_id: Number(forImage ? candidate : claims.prompt),
    verdict: candidate === choice ? "positive" : "negative",
  }));
  const statements = [
    db
      .prepare(
        "INSERT INTO task_answers (task_id, contributor_id, kind, choice, answered_at) VALUES (?, ?, ?, ?, ?)",
      )
      .bind(claims.id, contributorId, claims.kind, choice, now),
    db
      .prepare(
        `INSERT INTO judgments (image_id, caption_id, verdict, task_id, model_version, contributor_id, created_at)
         SELECT i.id, c.id, e.value->>'verdict', ?2, ?3, ?4, ?5
         FROM json_each(?1) AS e
         JOIN images i ON i.sha256 = e.value->>'sha256'
         JOIN captions c ON c.id = e.value->>'caption_id'`,
      )
      .bind(JSON.stringify(judgments), claims.id, claims.mv, contributorId, now),
  ];
  const chosen = judgments.find((judgment) => judgment.verdict === "positive");
  if (choice !== NONE_FITS && chosen) {
    statements.push(
      db
        .prepare(
          `INSERT INTO pairs (image_id, caption_id, origin, status, contributor_id, created_at)
           SELECT i.id, c.id, 'task', 'pending', ?3, ?4 FROM images i, captions c
           WHERE i.sha256 = ?1 AND c.id = ?2
           ON CONFLICT (image_id, caption_id) DO NOTHING`,
        )
        .bind(chosen.sha256, chosen.caption_id, contributorId, now),
    );
  }
  return statements;
}
