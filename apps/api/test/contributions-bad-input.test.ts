// Every bad contribution gets a 4xx with the JSON error shape, and D1 and R2 are exactly as before.
import { describe, expect, it } from "vitest";
import { call, contribute, expectApiError, newContributor } from "./helpers/api";
import { jpegBytes, pngBytes, pngClaiming, webpBytes } from "./helpers/image-bytes";
import { multipartBody } from "./helpers/multipart";
import { expectStoreUnchanged } from "./helpers/store-snapshot";

const { token } = await newContributor();

async function rejects(res: Promise<Response>, status: number, code: string): Promise<string> {
  return expectStoreUnchanged(async () => expectApiError(await res, status, code));
}

describe("POST /v1/contributions with bad input", () => {
  it("rejects a truncated PNG", async () => {
    const png = pngBytes(16, 16, 1);
    await rejects(contribute(token, { image: png.subarray(0, png.length - 20) }), 422, "invalid_image");
  });

  it("rejects a PNG cut inside its header", async () => {
    await rejects(contribute(token, { image: pngBytes().subarray(0, 20) }), 422, "invalid_image");
  });

  it("rejects a PNG whose header claims 50000x50000", async () => {
    const message = await rejects(
      contribute(token, { image: pngClaiming(50000, 50000) }),
      422,
      "image_dimensions",
    );
    expect(message).toContain("50000x50000");
  });

  it("rejects an image smaller than 16x16", async () => {
    await rejects(contribute(token, { image: pngBytes(8, 8) }), 422, "image_dimensions");
  });

  it("rejects wrong magic bytes under an image content type", async () => {
    const gif = new TextEncoder().encode("GIF89a\x10\x00\x10\x00 not really an image");
    await rejects(contribute(token, { image: gif, imageType: "image/png" }), 415, "unsupported_image_type");
    await rejects(
      contribute(token, { image: new TextEncoder().encode("<svg></svg>") }),
      415,
      "unsupported_image_type",
    );
  });

  it("rejects bytes of one type declared as another", async () => {
    await rejects(
      contribute(token, { image: jpegBytes(), imageType: "image/png" }),
      415,
      "image_type_mismatch",
    );
    await rejects(
      contribute(token, { image: webpBytes(), imageType: "image/jpeg" }),
      415,
      "image_type_mismatch",
    );
  });

  it("rejects a 10 MB body by Content-Length before reading it", async () => {
    const { body, contentType } = multipartBody([
      {
        name: "image",
        value: new Uint8Array(10 * 1024 * 1024),
        filename: "big.png",
        contentType: "image/png",
      },
    ]);
    const res = call("/v1/contributions", {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": contentType,
        "Content-Length": String(body.length),
        "Idempotency-Key": "big",
      },
      body,
    });
    // The message quotes the declared length: the refusal came from the header, before any read.
    expect(await rejects(res, 413, "payload_too_large")).toContain(`${body.length} bytes`);
  });

  it("rejects a 10 MB streamed body without Content-Length by counting", async () => {
    const head = new TextEncoder().encode(
      '--x\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n',
    );
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ === 0) controller.enqueue(head);
        else if (sent <= 11) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = call("/v1/contributions", {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "multipart/form-data; boundary=x",
        "Idempotency-Key": "stream",
      },
      body: stream,
    });
    await rejects(res, 413, "payload_too_large");
  });

  it("rejects a streamed body that is not multipart at all with 400", async () => {
    const res = call("/v1/contributions", {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "multipart/form-data; boundary=x",
        "Idempotency-Key": "garbage",
      },
      body: new Uint8Array(64 * 1024),
    });
    await rejects(res, 400, "invalid_multipart");
  });

  it("rejects an image over 2 MB inside a body under the form limit", async () => {
    const image = new Uint8Array(2 * 1024 * 1024 + 10);
    image.set(pngBytes());
    await rejects(contribute(token, { image }), 413, "image_too_large");
  });

  it("rejects an empty caption and a 10,000-character caption", async () => {
    await rejects(contribute(token, { caption: "" }), 422, "invalid_caption");
    await rejects(contribute(token, { caption: " \t\u0000\u200e " }), 422, "invalid_caption");
    await rejects(contribute(token, { caption: "a".repeat(10_000) }), 422, "invalid_caption");
    await rejects(contribute(token, { caption: "b".repeat(301) }), 422, "invalid_caption");
  });

  it("rejects a caption that is not valid UTF-8", async () => {
    const invalid = new Uint8Array([0x72, 0x65, 0x64, 0x20, 0xc3, 0x28, 0xff]);
    await rejects(contribute(token, { caption: invalid }), 400, "invalid_utf8");
  });

  it("rejects a licence outside the allow-list and missing consent", async () => {
    await rejects(contribute(token, { licence: "All-Rights-Reserved" }), 422, "invalid_form");
    await rejects(contribute(token, { licence: "CC0-1.0'; DROP TABLE images; --" }), 422, "invalid_form");
    await rejects(contribute(token, { consent: "false" }), 422, "invalid_form");
  });

  it("rejects unknown and repeated fields", async () => {
    await rejects(contribute(token, { extra: [{ name: "status", value: "approved" }] }), 422, "invalid_form");
    await rejects(contribute(token, { extra: [{ name: "caption", value: "second" }] }), 422, "invalid_form");
  });

  it("rejects a request without a contributor token, or with an unknown one", async () => {
    const { body, contentType } = multipartBody([{ name: "caption", value: "x" }]);
    const res = call("/v1/contributions", {
      method: "POST",
      headers: { "Content-Type": contentType, "Idempotency-Key": "k" },
      body,
    });
    await rejects(res, 401, "unauthorized");
    await rejects(contribute("cst_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 401, "unauthorized");
  });

  it("rejects a missing or malformed Idempotency-Key", async () => {
    const { body, contentType } = multipartBody([{ name: "caption", value: "x" }]);
    const headers = { Authorization: `Bearer ${token}`, "Content-Type": contentType };
    await rejects(call("/v1/contributions", { method: "POST", headers, body }), 400, "invalid_header");
    await rejects(
      call("/v1/contributions", {
        method: "POST",
        headers: { ...headers, "Idempotency-Key": "has space" },
        body,
      }),
      400,
      "invalid_header",
    );
  });

  it("rejects JSON and malformed multipart bodies", async () => {
    const headers = { Authorization: `Bearer ${token}`, "Idempotency-Key": "k2" };
    await rejects(
      call("/v1/contributions", {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: "{}",
      }),
      415,
      "unsupported_media_type",
    );
    await rejects(
      call("/v1/contributions", {
        method: "POST",
        headers: { ...headers, "Content-Type": "multipart/form-data; boundary=abc" },
        body: '--abc\r\nContent-Disposition: form-data; name="caption"\r\n\r\nno closing boundary',
      }),
      400,
      "invalid_multipart",
    );
  });

  it("stores SQL-looking captions verbatim as text (after normalisation)", async () => {
    const res = await contribute(token, {
      image: pngBytes(16, 16, 99),
      caption: "x'); DROP TABLE captions; --",
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { caption: { text: string } }).caption.text).toBe(
      "x'); DROP TABLE captions; --",
    );
  });
});
