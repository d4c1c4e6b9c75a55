import { describe, expect, it } from "vitest";
import { readBoundedBody } from "./read-bounded-body";

function streamOf(chunks: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ < chunks) controller.enqueue(new Uint8Array(size).fill(sent));
      else controller.close();
    },
  });
}

describe("readBoundedBody", () => {
  it("returns the whole body when it fits", async () => {
    const body = await readBoundedBody(
      new Request("http://x/", { method: "POST", body: streamOf(3, 10) }),
      30,
    );
    expect(body.length).toBe(30);
    expect([...body.subarray(9, 11)]).toEqual([1, 2]);
  });

  it("refuses by Content-Length before reading", async () => {
    const request = new Request("http://x/", {
      method: "POST",
      headers: { "Content-Length": "100" },
      body: "x".repeat(100),
    });
    await expect(readBoundedBody(request, 99)).rejects.toMatchObject({
      status: 413,
      code: "payload_too_large",
    });
    expect(request.bodyUsed).toBe(false);
  });

  it("refuses by counting when there is no Content-Length", async () => {
    const request = new Request("http://x/", { method: "POST", body: streamOf(5, 10) });
    await expect(readBoundedBody(request, 25)).rejects.toMatchObject({ status: 413 });
  });
});
