/**
 * Reads a request body with a hard byte limit (whole, or as a bounded stream): refuses by Content-Length before reading when the header is
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

/**
 * The body as a stream that errors with 413 `payload_too_large` once more than `maxBytes` have passed (and is
 * refused by Content-Length before any read), for parsers that read as the bytes arrive.
 */
export function boundedBodyStream(request: Request, maxBytes: number): ReadableStream<Uint8Array> {
  checkDeclaredLength(request, maxBytes);
  let total = 0;
  const limit = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      total += chunk.byteLength;
      if (total > maxBytes) controller.error(tooLarge(maxBytes, `over ${maxBytes} bytes`));
      else controller.enqueue(chunk);
    },
  });
  const empty = new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  return (request.body ?? empty).pipeThrough(limit);
}

function checkDeclaredLength(request: Request, maxBytes: number): void {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    throw tooLarge(maxBytes, `${declared} bytes`);
  }
}

/** Returns the whole body as bytes, or throws 413 `payload_too_large` once it exceeds `maxBytes`. */
export async function readBoundedBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  checkDeclaredLength(request, maxBytes);
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
