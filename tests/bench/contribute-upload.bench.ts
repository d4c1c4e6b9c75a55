/**
 * A 12-megapixel JPEG through /contribute (docs/BENCHMARKS.md, "Contributing a photo"): the bytes that leave the
 * browser against the photo's own size, and the time from picking the file to the API's answer, against a baseline
 * of the same run: the same page POSTing the original photo, unprocessed, to a loopback sink (what uploading it as
 * it is would cost before any server work). Prints a table; asserts nothing about time.
 *   npm run bench -w tests -- contribute-upload     (BENCH_ROUNDS overrides 5)
 */
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { HOST, freePort } from "../support/free-port";
import { REPO_ROOT } from "../support/paths";
import { startStack, type Stack } from "../support/stack";
import { median } from "./report";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/**
 * A 4000 × 3000 JPEG with detail at every scale (gradients, plus random 6-pixel blocks that survive the
 * downscale to 512 as texture, like foliage in a photo); sharp is apps/api's dev dependency.
 */
async function twelveMegapixelJpeg(): Promise<Buffer> {
  const sharp = createRequire(join(REPO_ROOT, "apps/api/package.json"))("sharp") as (
    input: Buffer,
    options: { raw: { width: number; height: number; channels: 3 } },
  ) => { jpeg(options: { quality: number }): { toBuffer(): Promise<Buffer> } };
  const width = 4000;
  const height = 3000;
  const pixels = Buffer.alloc(width * height * 3);
  const block = (x: number, y: number) => {
    let h = (Math.floor(x / 6) * 73856093) ^ (Math.floor(y / 6) * 19349663);
    h = Math.imul(h ^ (h >>> 13), 1274126177);
    return (h >>> 24) & 0x7f;
  };
  for (let i = 0; i < pixels.length; i += 3) {
    const x = (i / 3) % width;
    const y = Math.floor(i / 3 / width);
    const noise = block(x, y);
    pixels[i] = (x >> 4) ^ noise;
    pixels[i + 1] = (y >> 4) + noise;
    pixels[i + 2] = ((x + y) >> 5) ^ noise;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

describe("a 12-megapixel photo through /contribute", () => {
  let stack: Stack;
  let sink: { url: string; close(): void };
  let photo: Buffer;

  beforeAll(async () => {
    photo = await twelveMegapixelJpeg();
    stack = await startStack();
    const port = await freePort();
    const server = createServer((req, res) => {
      const headers = {
        "access-control-allow-origin": "*",
        "access-control-allow-headers": "*",
        "cross-origin-resource-policy": "cross-origin",
      };
      req.resume();
      req.on("end", () => res.writeHead(200, headers).end("{}"));
    });
    await new Promise<void>((resolve) => server.listen(port, HOST, resolve));
    sink = { url: `http://${HOST}:${port}/sink`, close: () => server.close() };
  });

  afterAll(async () => {
    sink?.close();
    await stack?.stop();
  });

  it("measures bytes and time", async () => {
    const { page } = await stack.browser.newPage();

    const uploads: number[] = [];
    const contribute: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await page.goto(`${stack.web.url}/contribute`);
      await page.getByTestId("consent").waitFor();
      const start = Date.now();
      await page
        .getByTestId("image-input")
        .setInputFiles({ name: "photo.jpg", mimeType: "image/jpeg", buffer: photo });
      await page.getByTestId("crop-preview").waitFor();
      await page.getByTestId("caption").fill(`benchmark photo ${round}`);
      await page.getByTestId("consent").check();
      await page.getByTestId("submit").click();
      await page.locator('[data-testid="submit-result"][data-kind="sent"]').waitFor({ timeout: 120_000 });
      contribute.push(Date.now() - start);
      uploads.push(Number(await page.getByTestId("upload-bytes").getAttribute("data-bytes")));
      raw.push(
        await page.evaluate(
          async ({ url, base64 }) => {
            const body = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
            const t0 = performance.now();
            await fetch(url, { method: "POST", body });
            return performance.now() - t0;
          },
          { url: sink.url, base64: photo.toString("base64") },
        ),
      );
    }
    const sent = median(uploads);
    console.log(
      [
        "",
        "| 12 MP JPEG (4000 × 3000) | median of " + ROUNDS + " |",
        "|---|---:|",
        `| photo | ${(photo.length / 1024).toFixed(0)} KB |`,
        `| image uploaded by /contribute (512 × 512 WebP) | ${(sent / 1024).toFixed(0)} KB (${(photo.length / sent).toFixed(0)}x smaller) |`,
        `| /contribute: pick → preview → submit → API answer | ${median(contribute).toFixed(0)} ms |`,
        `| baseline: POST the original photo to a loopback sink | ${median(raw).toFixed(0)} ms |`,
        `| ratio contribute / raw loopback POST | ${(median(contribute) / median(raw)).toFixed(1)}x |`,
      ].join("\n"),
    );
  });
});
