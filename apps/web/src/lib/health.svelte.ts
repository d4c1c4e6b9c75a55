/**
 * The API's health as the page shows it: a small state machine (checking → ok | unreachable | failing) kept in
 * a runes class so any component can read it and re-check.
 */
import type { ApiClient } from "./api";

/** How long a health check may take before the API counts as unreachable. */
export const HEALTH_TIMEOUT_MS = 8_000;

/** What the page currently knows about the API. */
export type HealthView =
  | { kind: "checking" }
  | { kind: "ok"; database: string; environment: string }
  | { kind: "unreachable"; reason: string }
  | { kind: "failing"; httpStatus: number; code: string; message: string };

/** Options for {@link ApiHealth}. */
export interface ApiHealthOptions {
  /** Milliseconds before a check gives up; defaults to {@link HEALTH_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** The API's health, re-checkable; `view` is reactive. */
export class ApiHealth {
  /** The latest known state; starts as `checking`. */
  view: HealthView = $state({ kind: "checking" });

  readonly #client: ApiClient;
  readonly #timeoutMs: number;
  // Only the newest check may write `view`, so a slow early answer cannot overwrite a later one.
  #latest = 0;

  /** `client` is the typed API client (see `$lib/api`). */
  constructor(client: ApiClient, options: ApiHealthOptions = {}) {
    this.#client = client;
    this.#timeoutMs = options.timeoutMs ?? HEALTH_TIMEOUT_MS;
  }

  /** Asks the API for its health, updates `view` and returns it. Never throws. */
  async check(): Promise<HealthView> {
    const id = ++this.#latest;
    this.view = { kind: "checking" };
    const result = await this.#ask();
    if (id === this.#latest) this.view = result;
    return result;
  }

  async #ask(): Promise<HealthView> {
    let res;
    try {
      res = await this.#client.v1.health.$get(undefined, {
        init: { signal: AbortSignal.timeout(this.#timeoutMs) },
      });
    } catch (err) {
      return { kind: "unreachable", reason: describeFailure(err) };
    }
    if (res.ok) {
      try {
        const body = await res.json();
        if (body.status === "ok")
          return { kind: "ok", database: body.database, environment: body.environment };
      } catch {
        // Not JSON: reported below as an unexpected answer.
      }
      return {
        kind: "failing",
        httpStatus: res.status,
        code: "unexpected_answer",
        message: "Not a health answer.",
      };
    }
    const error = await readApiError(res);
    return { kind: "failing", httpStatus: res.status, ...error };
  }
}

/** The part of a fetch `Response` that error reading needs. */
interface AnswerLike {
  status: number;
  statusText: string;
  json(): Promise<unknown>;
}

/** Reads the API's `{ error: { code, message } }` body, or says plainly that the body was something else. */
async function readApiError(res: AnswerLike): Promise<{ code: string; message: string }> {
  const fallback = {
    code: `http_${res.status}`,
    message: res.statusText || "The API answered with an error.",
  };
  try {
    const body: unknown = await res.json();
    if (typeof body === "object" && body !== null && "error" in body) {
      const { error } = body;
      if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
        return { code: String(error.code), message: String(error.message) };
      }
    }
  } catch {
    // Not JSON (a proxy's HTML error page, say): keep the fallback.
  }
  return fallback;
}

function describeFailure(err: unknown): string {
  if (err instanceof DOMException && err.name === "TimeoutError") return "no answer in time";
  if (err instanceof Error) return err.message;
  return String(err);
}
