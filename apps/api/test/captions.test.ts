import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, contribute, expectApiError, get, newContributor } from "./helpers/api";
import { pngBytes } from "./helpers/image-bytes";
import { importSeedDataset } from "./helpers/seed-dataset";

interface CaptionPage {
  items: { id: string; text: string }[];
  next_cursor: string | null;
}

beforeAll(async () => {
  await importSeedDataset();
  const { token } = await newContributor();
  await contribute(token, { image: pngBytes(16, 16, 9000), caption: "pending apple sketch" });
});

describe("GET /v1/captions", () => {
  it("pages through the captions of approved pairs", async () => {
    const texts: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const body = (await (
        await get(`/v1/captions?limit=10${cursor ? `&cursor=${cursor}` : ""}`)
      ).json()) as CaptionPage;
      texts.push(...body.items.map((item) => item.text));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    expect(texts.length).toBe(new Set(texts).size);
    expect(texts).toContain("red apple");
    expect(texts).not.toContain("pending apple sketch");
  });

  it("searches with FTS5 and filters by the paired images' source", async () => {
    const apple = (await (await get("/v1/captions?q=apple")).json()) as CaptionPage;
    expect(apple.items.map((item) => item.text).sort()).toEqual(["apple", "green apple", "red apple"]);
    const car = (await (
      await get("/v1/captions?q=car&source=emoji-datasource-google")
    ).json()) as CaptionPage;
    expect(car.items.map((item) => item.text).sort()).toEqual(["red car", "yellow car"]);
    const none = (await (await get("/v1/captions?q=car&source=nowhere")).json()) as CaptionPage;
    expect(none.items).toEqual([]);
  });

  it("returns no results (not an error) for a query without searchable words", async () => {
    const res = await get(`/v1/captions?q=${encodeURIComponent('"*:()-')}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as CaptionPage).items).toEqual([]);
  });

  it("lists pending captions to the admin only", async () => {
    await expectApiError(await get("/v1/captions?status=pending"), 401, "unauthorized");
    const body = (await (await get("/v1/captions?status=pending", ADMIN_TOKEN)).json()) as CaptionPage;
    expect(body.items.map((item) => item.text)).toEqual(["pending apple sketch"]);
  });
});
