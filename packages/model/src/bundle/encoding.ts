// Byte encodings the manifest needs: lower-case hex (SHA-256 digests) and standard padded base64 (RFC 4648 §4:
// signatures and raw public keys), plus SHA-256 through WebCrypto, which browsers and Node share.

/** Bytes → lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** Standard base64 (padding optional) → bytes, or undefined when it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  const clean = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.replace(/=+$/, "").length % 4 === 1) return undefined;
  const binary = atob(clean.padEnd(Math.ceil(clean.length / 4) * 4, "="));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Hex of the SHA-256 of `bytes` (WebCrypto). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)));
}
