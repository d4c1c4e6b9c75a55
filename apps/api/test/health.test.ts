import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /v1/health", () => {
  it("answers ok after reading the schema row from D1", async () => {
    const res = await exports.default.fetch("http://api.test/v1/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "commonspace", environment: "development" });
  });

  it("answers 503 with the JSON error shape when D1 lacks the schema row", async () => {
    await env.DB.prepare("DELETE FROM service_meta").run();
    const res = await exports.default.fetch("http://api.test/v1/health");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: { code: "database_not_migrated", message: expect.stringContaining("migrations") },
    });
  });

  it("answers unknown routes with a 404 JSON error", async () => {
    const res = await exports.default.fetch("http://api.test/v1/nope");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
