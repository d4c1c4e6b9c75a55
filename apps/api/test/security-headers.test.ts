import { describe, expect, it } from "vitest";
import { call, get } from "./helpers/api";

const EXPECTED = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
  "cross-origin-resource-policy": "cross-origin",
  "x-frame-options": "DENY",
};

function headersOf(res: Response): Record<string, string | null> {
  return Object.fromEntries(Object.keys(EXPECTED).map((name) => [name, res.headers.get(name)]));
}

describe("security headers and CORS", () => {
  it("are on successful answers, errors, 404s and preflights alike", async () => {
    const answers = [
      await get("/v1/health"),
      await get("/v1/images?limit=0"),
      await get("/v1/nope"),
      await call("/v1/contributions", { method: "POST" }),
      await call("/v1/images", {
        method: "OPTIONS",
        headers: { Origin: "https://a.example", "Access-Control-Request-Method": "GET" },
      }),
    ];
    for (const res of answers) expect(headersOf(res), `${res.status}`).toEqual(EXPECTED);
  });

  it("let any origin read, errors included, but give admin routes no CORS headers", async () => {
    const origin = { Origin: "https://third-party.example" };
    expect((await get("/v1/images", undefined, origin)).headers.get("access-control-allow-origin")).toBe("*");
    expect(
      (await get("/v1/images?limit=0", undefined, origin)).headers.get("access-control-allow-origin"),
    ).toBe("*");
    const admin = await get("/v1/admin/moderation/queue", undefined, origin);
    expect(admin.status).toBe(401);
    expect(admin.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answer admin CORS to the app's own origin (ADMIN_ORIGINS), and to no other", async () => {
    const app = { Origin: "http://127.0.0.1:5173" };
    const admin = await get("/v1/admin/moderation/queue", undefined, app);
    expect(admin.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
    const other = await get("/v1/admin/moderation/queue", undefined, { Origin: "http://127.0.0.1:5174" });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("expose the headers a cross-origin client needs", async () => {
    const res = await get("/v1/images", undefined, { Origin: "https://third-party.example" });
    const exposed = res.headers.get("access-control-expose-headers")?.toLowerCase() ?? "";
    for (const name of ["etag", "content-range", "retry-after", "idempotent-replayed"])
      expect(exposed).toContain(name);
  });
});
