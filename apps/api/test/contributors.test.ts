import { sha256Hex } from "@commonspace/manifest";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./helpers/api";

describe("POST /v1/contributors", () => {
  it("issues an anonymous id and a token, and stores only the token's SHA-256", async () => {
    const res = await call("/v1/contributors", { method: "POST" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; token: string; created_at: string };
    expect(body.id).toMatch(/^ctb_[A-Za-z0-9_-]{16}$/);
    expect(body.token).toMatch(/^cst_[A-Za-z0-9_-]{43}$/);
    const row = await env.DB.prepare("SELECT token_hash FROM contributors WHERE id = ?")
      .bind(body.id)
      .first();
    expect(row).toEqual({ token_hash: await sha256Hex(body.token) });
    const { results } = await env.DB.prepare("SELECT * FROM contributors").all();
    expect(JSON.stringify(results)).not.toContain(body.token);
  });

  it("issues a different id and token every time", async () => {
    const a = (await (await call("/v1/contributors", { method: "POST" })).json()) as {
      id: string;
      token: string;
    };
    const b = (await (await call("/v1/contributors", { method: "POST" })).json()) as {
      id: string;
      token: string;
    };
    expect(a.id).not.toBe(b.id);
    expect(a.token).not.toBe(b.token);
  });
});
