/**
 * Validation at every boundary: `@hono/zod-validator` with a hook that turns a zod failure into our JSON
 * error: 400 for malformed query, path or header values, 422 for a well-formed body with invalid content.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { ApiError } from "../../errors";

const STATUS = { json: 422, form: 422, query: 400, param: 400, header: 400, cookie: 400 } as const;
const CODE = {
  json: "invalid_body",
  form: "invalid_body",
  query: "invalid_query",
  param: "invalid_param",
} as const;

/** The part of a zod error that {@link describeIssue} reads (zod 4 core and classic errors both fit). */
export interface IssueList {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

/** Formats the first zod issue as `path: message`. */
export function describeIssue(error: IssueList): string {
  const issue = error.issues[0];
  if (!issue) return "invalid value";
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Middleware factory: validates `target` against `schema`; the typed result is `c.req.valid(target)`. */
export function validate<Target extends keyof ValidationTargets, S extends z.ZodType>(
  target: Target,
  schema: S,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const status = STATUS[target as keyof typeof STATUS] ?? 400;
      const code = CODE[target as keyof typeof CODE] ?? `invalid_${target}`;
      throw new ApiError(status, code, `Invalid ${target}: ${describeIssue(result.error)}.`);
    }
  });
}
