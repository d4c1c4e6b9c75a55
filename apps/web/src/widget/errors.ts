// What a widget says when something fails: one `WidgetProblem` (a stable code for the host's code, a message
// for the visitor and the host's developer) for every error a widget can meet, so the message inside the
// element and the `commonspace-error` event always agree.
import { DownloadError, ModelError, WorkerError } from "@commonspace/model/client";
import { WidgetAttributeError } from "./attributes";

/** Stable codes of `commonspace-error` (docs/widget.md lists them). */
export type WidgetErrorCode =
  "invalid-attribute" | "api-unreachable" | "api-error" | "no-task" | "model-error" | "worker-error";

/** The detail of a `commonspace-error` event. */
export interface WidgetProblem {
  readonly code: WidgetErrorCode;
  readonly message: string;
  /** The attribute at fault, for `invalid-attribute`. */
  readonly attribute?: string;
  /** The error as thrown. */
  readonly error: unknown;
}

/** The API answered with an error (`{ error: { code, message } }`, docs/api.md). */
export class WidgetApiError extends Error {
  override readonly name = "WidgetApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The API could not be reached at all (network, DNS, CORS or the page's connect-src). */
export class ApiUnreachableError extends Error {
  override readonly name = "ApiUnreachableError";
  constructor(
    readonly api: string,
    cause: unknown,
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `Cannot reach the Commonspace API at ${api} (${why}). Check the api attribute and the network; ` +
        "if this page sets a Content-Security-Policy, its connect-src must include that origin.",
      { cause },
    );
  }
}

/** `error` as the widget reports it; `api` is the API the widget was using. */
export function describeProblem(error: unknown, api: string): WidgetProblem {
  if (error instanceof WidgetAttributeError)
    return { code: "invalid-attribute", message: error.message, attribute: error.attribute, error };
  if (error instanceof ApiUnreachableError) return { code: "api-unreachable", message: error.message, error };
  if (error instanceof WidgetApiError) {
    const code = error.code === "no_task_available" ? "no-task" : "api-error";
    return { code, message: error.message, error };
  }
  if (error instanceof DownloadError && error.status === undefined) {
    return { code: "api-unreachable", message: new ApiUnreachableError(api, error.detail).message, error };
  }
  if (error instanceof WorkerError) {
    const message =
      `${error.message} If this page sets a Content-Security-Policy, it must allow worker-src blob: and the ` +
      "widget's origin in script-src and connect-src, with 'wasm-unsafe-eval' (see the widget's documentation).";
    return { code: "worker-error", message, error };
  }
  if (error instanceof ModelError) return { code: "model-error", message: error.message, error };
  const message = error instanceof Error ? error.message : String(error);
  return { code: "model-error", message: `Something went wrong: ${message}`, error };
}
