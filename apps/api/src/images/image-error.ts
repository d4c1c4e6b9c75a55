/**
 * The named failure of every image check. It is an {@link ApiError}, so a rejected upload reaches the client as
 * our JSON error with the status and code chosen here.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ApiError } from "../errors";

/** Thrown when uploaded bytes are not an acceptable image. */
export class ImageRejectedError extends ApiError {
  override readonly name = "ImageRejectedError";
  constructor(status: ContentfulStatusCode, code: string, message: string) {
    super(status, code, message);
  }
}

/** Shorthand for a structurally broken image (truncated, corrupt header): 422 `invalid_image`. */
export function invalidImage(message: string): ImageRejectedError {
  return new ImageRejectedError(422, "invalid_image", message);
}
