/**
 * The API's one error shape. Every failure leaves the worker as
 * `{ "error": { "code": string, "message": string } }` with a 4xx/5xx status, never a stack trace.
 */
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** An expected failure with a stable machine-readable `code`, thrown anywhere in a route. */
export class ApiError extends HTTPException {
  readonly code: string;
  constructor(status: ContentfulStatusCode, code: string, message: string, headers?: HeadersInit) {
    super(status, { message, res: undefined });
    this.code = code;
    this.extraHeaders = headers;
  }
  readonly extraHeaders: HeadersInit | undefined;
}

/** Builds the JSON body for an error answer. */
export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
