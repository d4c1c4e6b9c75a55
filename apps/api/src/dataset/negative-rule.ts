/**
 * The agreement rule that turns judgments into training negatives. A caption judged not to fit an image is a
 * negative for it only when
 * - agreement: at least `minAgreeing` distinct contributors judged it negative, and more contributors said
 *   negative than positive; or
 * - moderator (when enabled): a moderator rejected the pair a task answer proposed (someone chose this caption
 *   for this image and a moderator said no);
 * and never when the caption is an approved pair of that image. One vote from a free anonymous token is not
 * enough by default. Configured per environment by the vars NEGATIVE_MIN_AGREEING (default 2) and
 * NEGATIVE_FROM_MODERATOR (default "true"); the export states the rule in force.
 */
import type { Env } from "../env";
import { ApiError } from "../errors";

/** The rule in force. */
export interface NegativeRule {
  minAgreeing: number;
  moderator: boolean;
}

/** How the export states the rule. */
export interface NegativeRuleView {
  min_agreeing_contributors: number;
  moderator: boolean;
}

function misconfigured(name: string, value: string, expected: string): ApiError {
  return new ApiError(
    500,
    "config_invalid",
    `The ${name} setting is ${JSON.stringify(value)}; expected ${expected} (wrangler.toml [vars]).`,
  );
}

/** Reads the rule from the worker's vars; a bad value is the server's fault (500 `config_invalid`). */
export function negativeRule(
  env: Pick<Env, "NEGATIVE_MIN_AGREEING" | "NEGATIVE_FROM_MODERATOR">,
): NegativeRule {
  const min = env.NEGATIVE_MIN_AGREEING ?? "2";
  if (!/^[1-9][0-9]?$/.test(min)) throw misconfigured("NEGATIVE_MIN_AGREEING", min, "a whole number 1-99");
  const moderator = env.NEGATIVE_FROM_MODERATOR ?? "true";
  if (moderator !== "true" && moderator !== "false") {
    throw misconfigured("NEGATIVE_FROM_MODERATOR", moderator, '"true" or "false"');
  }
  return { minAgreeing: Number(min), moderator: moderator === "true" };
}

/** The rule as the export states it. */
export function negativeRuleView(rule: NegativeRule): NegativeRuleView {
  return { min_agreeing_contributors: rule.minAgreeing, moderator: rule.moderator };
}
