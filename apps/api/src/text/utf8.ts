/** Strict UTF-8 decoding: invalid byte sequences are refused (400), never replaced with U+FFFD. */
import { ApiError } from "../errors";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes `bytes` or throws 400 `invalid_utf8`, naming `what` (e.g. "caption") in the message. */
export function decodeUtf8Strict(bytes: Uint8Array, what: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_utf8", `The ${what} is not valid UTF-8.`);
  }
}
