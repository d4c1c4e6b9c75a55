// The widget's rules in static/_headers: the served files must be loadable from any origin, the versioned
// folder of *this* version immutable (a version bump without its rule fails here), and `latest` short-lived.
import { describe, expect, it } from "vitest";
import { headersFor, readHeadersFile } from "../../headers-file";
import { WIDGET_ENTRY, WIDGET_VERSION } from "./version";

const rules = readHeadersFile();
const VERSIONED = `/widget/${WIDGET_VERSION}/${WIDGET_ENTRY}`;
const LATEST = `/widget/latest/${WIDGET_ENTRY}`;

describe("the widget's _headers rules", () => {
  it("serve the versioned files to any origin, cached for a year as immutable", () => {
    for (const path of [VERSIONED, `/widget/${WIDGET_VERSION}/ort-wasm-simd-threaded.jsep.wasm`]) {
      expect(headersFor(rules, path)).toMatchObject({
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Cache-Control": "public, max-age=31536000, immutable",
      });
    }
  });

  it("serve latest to any origin with a short cache", () => {
    expect(headersFor(rules, LATEST)).toMatchObject({
      "Access-Control-Allow-Origin": "*",
      "Cache-Control": "public, max-age=300",
    });
  });

  it("never give one widget path the same header from two rules (Cloudflare Pages joins them)", () => {
    for (const path of [VERSIONED, LATEST]) {
      const matching = rules.filter(({ pattern }) =>
        pattern.endsWith("*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern,
      );
      const names = matching.flatMap((rule) => Object.keys(rule.headers));
      expect(names.length, `${path}: ${names.join(", ")}`).toBe(new Set(names).size);
    }
  });
});
