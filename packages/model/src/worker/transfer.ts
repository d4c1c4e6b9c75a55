// Which buffers a message may transfer instead of copying. The rule on both sides: transfer only what the
// sender made for this message and will not touch again (the worker's results: images, codes, embeddings,
// partial previews); copy whatever a caller handed in and may still use (the client never transfers inputs).
// A transferred buffer is detached on the sending side (byteLength 0), which is how the tests see it moved.

/** How deep into a result to look for typed arrays (Generation → candidates → candidate → image → data). */
const MAX_DEPTH = 5;

/** The distinct ArrayBuffers under `value` (typed arrays in arrays and plain objects), for a transfer list. */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  collect(value, found, 0);
  return [...found];
}

function collect(value: unknown, found: Set<ArrayBuffer>, depth: number): void {
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH) return;
  if (ArrayBuffer.isView(value)) {
    // A SharedArrayBuffer cannot be transferred (it is shared anyway); a detached one has nothing to give.
    if (value.buffer instanceof ArrayBuffer && value.buffer.byteLength > 0) found.add(value.buffer);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collect(item, found, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return;
  for (const item of Object.values(value)) collect(item, found, depth + 1);
}

/**
 * Posts `message` transferring `transfer`; if the platform refuses a transfer (DataCloneError on a buffer that
 * cannot move, such as a wasm memory), posts it again as a copy, so a result is never lost over an optimisation.
 */
export function postWithTransfer(
  post: (message: unknown, transfer: Transferable[]) => void,
  message: unknown,
  transfer: ArrayBuffer[],
): void {
  if (transfer.length === 0) return post(message, []);
  try {
    post(message, transfer);
  } catch {
    post(message, []);
  }
}
