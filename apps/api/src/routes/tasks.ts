/**
 * Labelling tasks. GET /v1/tasks/next?kind=caption-for-image|image-for-caption&k=4 issues a signed task to the
 * calling contributor; POST /v1/tasks/:id/answer {token, choice} records it as judgments. Forged, altered,
 * foreign, expired and repeated answers are refused before (or atomically instead of) any write.
 */
import { Hono } from "hono";
import { z } from "zod";
import { isUniqueViolation } from "../dataset/d1-errors";
import type { AppBindings } from "../env";
import { ApiError } from "../errors";
import { bodyGuard } from "../middleware/body-guard";
import { contributorAuth } from "../middleware/contributor-auth";
import { rateLimit } from "../middleware/rate-limit";
import { validate } from "../middleware/validate";
import { answerStatements, NONE_FITS } from "../tasks/answer-statements";
import { buildTask } from "../tasks/build-task";
import { indexHardNegatives } from "../tasks/index-hard-negatives";
import { lexicalHardNegatives } from "../tasks/lexical-hard-negatives";
import { secureRandom } from "../tasks/seeded-random";
import { stableDatasetIndex } from "../tasks/stable-dataset-index";
import { TASK_KINDS, verifyTask } from "../tasks/task-token";

const nextQuery = z.object({
  kind: z.enum(TASK_KINDS).default("caption-for-image"),
  k: z.coerce.number().int().min(2).max(8).default(4),
});
const answerBody = z.object({
  token: z.string().min(1).max(8192),
  choice: z.string().min(1).max(128),
});

function alreadyAnswered(): ApiError {
  return new ApiError(409, "task_already_answered", "This task has already been answered.");
}

/** Sub-app mounted at /v1/tasks. */
export const tasks = new Hono<AppBindings>()
  .get(
    "/next",
    contributorAuth(),
    rateLimit({ bucket: "tasks", ratePerMinute: 120, burst: 30, key: "contributor" }),
    validate("query", nextQuery),
    async (c) => {
      const { kind, k } = c.req.valid("query");
      const index = await stableDatasetIndex(c.env.DB, c.env.BUCKET);
      const lexical = lexicalHardNegatives(secureRandom);
      const built = await buildTask(c.env.DB, {
        kind,
        k,
        contributorId: c.var.contributorId,
        secret: c.env.TASK_SIGNING_KEY,
        sources: index ? [indexHardNegatives(index), lexical] : [lexical],
        nowMs: Date.now(),
      });
      if (!built)
        throw new ApiError(
          404,
          "no_task_available",
          `Not enough approved data for a ${kind} task with k=${k}.`,
        );
      return c.json(built, 200, { "Cache-Control": "no-store" });
    },
  )
  .post(
    "/:id/answer",
    contributorAuth(),
    rateLimit({ bucket: "answers", ratePerMinute: 120, burst: 30, key: "contributor" }),
    validate("param", z.object({ id: z.uuid() })),
    bodyGuard({ maxBytes: 16 * 1024 }),
    validate("json", answerBody),
    async (c) => {
      const { id } = c.req.valid("param");
      const { token, choice } = c.req.valid("json");
      const contributorId = c.var.contributorId;
      const now = Date.now();
      const claims = await verifyTask(token, c.env.TASK_SIGNING_KEY, {
        taskId: id,
        contributorId,
        nowSeconds: Math.floor(now / 1000),
      });
      if (choice !== NONE_FITS && !claims.candidates.includes(choice)) {
        throw new ApiError(
          422,
          "invalid_choice",
          `choice must be one of the task's candidate ids or "${NONE_FITS}".`,
        );
      }
      const answered = await c.env.DB.prepare("SELECT 1 FROM task_answers WHERE task_id = ?")
        .bind(id)
        .first();
      if (answered) throw alreadyAnswered();
      try {
        await c.env.DB.batch(answerStatements(c.env.DB, claims, choice, contributorId, now));
      } catch (err) {
        if (isUniqueViolation(err, "task_answers")) throw alreadyAnswered();
        throw err;
      }
      return c.json({ task_id: id, choice, judgments: claims.candidates.length }, 201);
    },
  );
