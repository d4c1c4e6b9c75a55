/** SHA-256 as lower-case hex, the content address of images and the stored form of contributor tokens. */

/** Hex SHA-256 of bytes or of a string's UTF-8 encoding. */
export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Matches exactly 64 lower-case hex digits: the only accepted form of an image id. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
