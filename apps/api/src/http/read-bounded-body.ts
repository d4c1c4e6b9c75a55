/**
 * Reads a request body with a hard byte limit: refuses by Content-Length before reading when the header is
 * present, and counts while reading otherwise (chunked or lying clients), cancelling the stream at the limit.
 */
import { ApiError } from "../errors";

function tooLarge(maxBytes: number, seen: string): ApiError {
  return new ApiError(
    413,
    "payload_too_large",
    `The request body is ${seen}; the limit is ${maxBytes} bytes.`,
  );
}

/** Returns the whole body as bytes, or throws 413 `payload_too_large` once it exceeds `maxBytes`. */
export async function readBoundedBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    throw tooLarge(maxBytes, `${declared} bytes`);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes, `over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
