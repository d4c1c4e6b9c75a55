/**
 * A small approved dataset for browser tests: `count` distinct single-colour images, each its own concept with
 * two captions, imported through the API's admin import route (approved, as seed data is), so labelling tasks
 * and batches have something to serve.
 */
import { createImage, encodePng } from "@commonspace/model";
import { devAdminToken } from "./api-server";

const COLOURS = [
  "red",
  "orange",
  "yellow",
  "green",
  "teal",
  "blue",
  "purple",
  "pink",
  "brown",
  "grey",
  "black",
  "white",
];

/** Imports `count` (≤ 12) image–caption concepts into the API at `api`. */
export async function seedPairs(api: string, count = 8): Promise<void> {
  const items = await Promise.all(
    COLOURS.slice(0, count).map(async (colour, i) => {
      const image = createImage(32, 32);
      for (let p = 0; p < image.data.length; p += 4) {
        image.data.set([(i * 53) % 256, (i * 97) % 256, (i * 151) % 256, 255], p);
      }
      return {
        image_base64: Buffer.from(await encodePng(image)).toString("base64"),
        source: "test",
        licence: "CC0-1.0",
        attribution: "browser test fixture",
        concept: `test:${colour}`,
        category: i % 2 ? "warm" : "cool",
        captions: [`${colour} square`, `a ${colour} tile`],
      };
    }),
  );
  const res = await fetch(`${api}/v1/admin/import`, {
    method: "POST",
    headers: { authorization: `Bearer ${devAdminToken()}`, "content-type": "application/json" },
    body: JSON.stringify({ items }),
  });
  if (!res.ok) throw new Error(`admin import answered ${res.status}: ${await res.text()}`);
}
