/**
 * A small, strict multipart/form-data parser (RFC 7578) over an already size-bounded body. We parse ourselves
 * rather than with `Request.formData()` so text fields keep their raw bytes: invalid UTF-8 must be refused,
 * not silently replaced with U+FFFD.
 */
import { ApiError } from "../errors";
import { decodeUtf8Strict } from "../text/utf8";

/** One part of a multipart body. */
export interface MultipartPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Uint8Array;
}

/** Options for {@link parseMultipart}. */
export interface ParseMultipartOptions {
  /** Most parts accepted. Default 16. */
  maxParts?: number;
  /** Largest header block of one part, in bytes. Default 8 KiB. */
  maxHeaderBytes?: number;
}

const CRLF = new Uint8Array([13, 10]);
const HEADER_END = new Uint8Array([13, 10, 13, 10]);

function malformed(message: string): ApiError {
  return new ApiError(400, "invalid_multipart", `Malformed multipart body: ${message}`);
}

/** Index of `needle` in `haystack` at or after `from`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  if (first === undefined) return from;
  for (let at = haystack.indexOf(first, from); at !== -1; at = haystack.indexOf(first, at + 1)) {
    if (at + needle.length > haystack.length) return -1;
    let i = 1;
    while (i < needle.length && haystack[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
  }
  return -1;
}

/** Extracts the boundary from a `multipart/form-data; boundary=...` content type, or throws 415/400. */
export function multipartBoundary(contentType: string | undefined): string {
  const [mediaType, ...params] = (contentType ?? "").split(";");
  if (mediaType?.trim().toLowerCase() !== "multipart/form-data") {
    throw new ApiError(415, "unsupported_media_type", "This route takes multipart/form-data.");
  }
  for (const param of params) {
    const match = /^\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s";]{1,70}))\s*$/i.exec(param);
    if (match) return (match[1] ?? match[2]) as string;
  }
  throw malformed("the Content-Type has no boundary parameter.");
}

function parseHeaders(block: string): Omit<MultipartPart, "data"> {
  let name: string | null = null;
  let filename: string | null = null;
  let contentType: string | null = null;
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw malformed(`bad part header line ${JSON.stringify(line.slice(0, 40))}.`);
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (field === "content-type") contentType = value;
    if (field !== "content-disposition") continue;
    if (!/^form-data\s*(;|$)/i.test(value)) throw malformed("a part's disposition is not form-data.");
    name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? null;
    filename = /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? null;
  }
  if (name === null) throw malformed("a part has no name.");
  return { name, filename, contentType };
}

/** Splits a multipart body into parts; throws 400 `invalid_multipart` for anything out of shape. */
export function parseMultipart(
  body: Uint8Array,
  boundary: string,
  options: ParseMultipartOptions = {},
): MultipartPart[] {
  const { maxParts = 16, maxHeaderBytes = 8192 } = options;
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  const nextDelimiter = new TextEncoder().encode(`\r\n--${boundary}`);
  let at = indexOfBytes(body, delimiter);
  if (at === -1) throw malformed("the boundary never occurs.");
  at += delimiter.length;
  const parts: MultipartPart[] = [];
  for (;;) {
    if (body[at] === 45 && body[at + 1] === 45) return parts; // "--" closes the body
    if (indexOfBytes(body, CRLF, at) !== at) throw malformed("a boundary is not followed by CRLF.");
    if (parts.length === maxParts) throw malformed(`more than ${maxParts} parts.`);
    const headerEnd = indexOfBytes(body, HEADER_END, at + 2);
    if (headerEnd === -1 || headerEnd - at > maxHeaderBytes) throw malformed("a part's headers do not end.");
    const headers = parseHeaders(decodeUtf8Strict(body.subarray(at + 2, headerEnd), "part headers"));
    const dataStart = headerEnd + HEADER_END.length;
    const dataEnd = indexOfBytes(body, nextDelimiter, dataStart);
    if (dataEnd === -1) throw malformed("the body ends inside a part (no closing boundary).");
    parts.push({ ...headers, data: body.subarray(dataStart, dataEnd) });
    at = dataEnd + nextDelimiter.length;
  }
}
