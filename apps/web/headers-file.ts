/**
 * Reads `static/_headers` (the `_headers` format of Cloudflare Pages and Netlify: a path pattern on its own
 * line, then indented `Name: value` lines) so that `vite dev`, `vite preview` and the test server send the
 * same headers as the production host. Patterns are exact paths or end in `*` (a prefix); every matching rule
 * applies, later ones overriding earlier ones for the same header.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One rule: a path pattern and its headers. */
export interface HeaderRule {
  readonly pattern: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The committed headers file of the web app. */
export const HEADERS_FILE = join(dirname(fileURLToPath(import.meta.url)), "static", "_headers");

/** A malformed `_headers` line. */
export class HeadersFileError extends Error {
  override readonly name = "HeadersFileError";
}

/** Parses `_headers` text. @throws HeadersFileError on a header line before any pattern or without a colon. */
export function parseHeadersFile(text: string): HeaderRule[] {
  const rules: { pattern: string; headers: Record<string, string> }[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    if (!/^\s/.test(line)) {
      rules.push({ pattern: line.trim(), headers: {} });
      return;
    }
    const colon = line.indexOf(":");
    const rule = rules.at(-1);
    if (!rule || colon < 0) {
      const why = rule ? "has no colon" : "comes before any path pattern";
      throw new HeadersFileError(`_headers line ${index + 1} (${JSON.stringify(line)}) ${why}.`);
    }
    rule.headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  return rules;
}

/** The headers for `pathname` under `rules`. */
export function headersFor(rules: readonly HeaderRule[], pathname: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { pattern, headers } of rules) {
    const matches = pattern.endsWith("*") ? pathname.startsWith(pattern.slice(0, -1)) : pathname === pattern;
    if (matches) Object.assign(out, headers);
  }
  return out;
}

/** The rules of the committed file. */
export function readHeadersFile(path: string = HEADERS_FILE): HeaderRule[] {
  return parseHeadersFile(readFileSync(path, "utf8"));
}
