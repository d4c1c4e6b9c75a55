// Consent: GET /v1/terms publishes the terms and their version; every contribution records the version and
// the time with the pair and the image; the export carries both; an outdated or missing version is refused.
import { toBase64 } from "@commonspace/manifest";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TERMS_VERSION } from "../src/dataset/terms";
import { ADMIN_TOKEN, contribute, expectApiError, get, newContributor, postJson } from "./helpers/api";
import { pngBytes } from "./helpers/image-bytes";
import { expectStoreUnchanged } from "./helpers/store-snapshot";

const { token } = await newContributor();

describe("GET /v1/terms", () => {
  it("answers the current version, the text and one line per licence a contributor may choose", async () => {
    const res = await get("/v1/terms");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      version: string;
      text: string;
      licences: { id: string; summary: string }[];
    };
    expect(body.version).toBe(TERMS_VERSION);
    expect(body.text).toMatch(/withdraw/);
    expect(body.licences.map((l) => l.id)).toEqual(["CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0"]);
    expect(body.licences.every((l) => l.summary.length > 10)).toBe(true);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("consent on contributions", () => {
  it("records the terms version and time with the pair and the image, and answers them", async () => {
    const before = Date.now();
    const res = await contribute(token, { image: pngBytes(16, 16, 9300), caption: "consented picture" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      image: { sha256: string };
      consent: { terms_version: string; consented_at: string };
    };
    expect(body.consent.terms_version).toBe(TERMS_VERSION);
    expect(Date.parse(body.consent.consented_at)).toBeGreaterThanOrEqual(before - 1);
    const rows = await env.DB.prepare(
      `SELECT p.terms_version AS pt, p.consented_at AS pc, i.terms_version AS it, i.consented_at AS ic
       FROM pairs p JOIN images i ON i.id = p.image_id WHERE i.sha256 = ?`,
    )
      .bind(body.image.sha256)
      .first<{ pt: string; pc: number; it: string; ic: number }>();
    expect(rows).toMatchObject({ pt: TERMS_VERSION, it: TERMS_VERSION });
    expect(new Date(rows!.pc).toISOString()).toBe(body.consent.consented_at);

    await postJson(`/v1/admin/images/${body.image.sha256}/moderation`, { status: "approved" }, ADMIN_TOKEN);
    const lines = (await (await get("/v1/export?limit=5000")).text())
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const row = lines.find((l) => l.type === "pair" && l.image.sha256 === body.image.sha256);
    expect(row.consent).toEqual(body.consent);
    expect(row.image.consent).toEqual(body.consent);
  });

  it("refuses an outdated terms version with 409 terms_outdated and a missing one with 422, storing nothing", async () => {
    await expectStoreUnchanged(async () => {
      const message = await expectApiError(
        await contribute(token, { image: pngBytes(16, 16, 9301), termsVersion: "2020-01-01" }),
        409,
        "terms_outdated",
      );
      expect(message).toContain(TERMS_VERSION);
      await expectApiError(
        await contribute(token, { image: pngBytes(16, 16, 9301), termsVersion: "x".repeat(65) }),
        422,
        "invalid_form",
      );
      await expectApiError(
        await contribute(token, { image: pngBytes(16, 16, 9301), termsVersion: null }),
        422,
        "invalid_form",
      );
    });
  });
});

describe("captions made only of invisible characters", () => {
  const invisible = [
    ["zero-width space, joiner, space", "\u200B\u200D\u200B"],
    ["a word joiner and spaces", " \u2060 \u2060 "],
    ["a soft hyphen", "\u00AD"],
    ["variation selectors and a ZWNJ", "\uFE0F\u200C\uFE0E"],
    ["Hangul fillers", "\u3164\uFFA0"],
    ["a blank Braille pattern", "\u2800\u2800"],
    ["a lone combining accent", "\u0301"],
    ["tag characters", "\u{E0041}\u{E0042}"],
  ];

  it.each(invisible)(
    "refuses a contribution whose caption is %s, storing nothing",
    async (_label, caption) => {
      await expectStoreUnchanged(async () =>
        expectApiError(
          await contribute(token, { image: pngBytes(16, 16, 9310), caption }),
          422,
          "invalid_caption",
        ),
      );
    },
  );

  it.each(invisible)(
    "refuses an import batch with a caption that is %s, naming the item",
    async (_label, caption) => {
      const item = {
        image_base64: toBase64(pngBytes(16, 16, 9311)),
        source: "test-fixture",
        licence: "CC0-1.0",
        attribution: "",
        concept: null,
        category: null,
        captions: ["fine"],
      };
      const batch = { items: [item, { ...item, captions: ["visible", caption] }] };
      const message = await expectStoreUnchanged(async () =>
        expectApiError(await postJson("/v1/admin/import", batch, ADMIN_TOKEN), 422, "invalid_caption"),
      );
      // Stripped characters leave an empty caption; format characters that stay leave nothing visible.
      expect(message).toMatch(/^items\[1\]: The caption (is 0 characters|has no visible characters)/);
    },
  );

  it("keeps captions whose invisible characters sit beside visible ones, removing the meaningless ones", async () => {
    const res = await contribute(token, {
      image: pngBytes(16, 16, 9320),
      caption: "red\u200Bapple \u{1F468}\u200D\u{1F469}",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { caption: { text: string } };
    expect(body.caption.text).toBe("redapple \u{1F468}\u200D\u{1F469}");
  });
});
