/** Recognises D1 constraint failures that carry meaning (a key already used, a task already answered). */

/** True when `err` is a UNIQUE or PRIMARY KEY violation, optionally on `table`. */
export function isUniqueViolation(err: unknown, table?: string): boolean {
  const message = err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : String(err);
  if (!/UNIQUE constraint failed|SQLITE_CONSTRAINT_PRIMARYKEY/.test(message)) return false;
  return table === undefined || message.includes(`${table}.`);
}
