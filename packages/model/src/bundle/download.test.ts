import { describe, expect, test } from "vitest";
import { sha256Hex } from "@commonspace/manifest";
import { CancelledError, DownloadError, IntegrityError } from "../errors";
import { downloadVerified, type DownloadTarget } from "./download";

const body = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 7) % 251);

async function target(bytes = body): Promise<DownloadTarget> {
  return { url: "http://files.test/x", name: "x.onnx", bytes: bytes.length, sha256: await sha256Hex(bytes) };
}

/** A fetch answering from `handler`, recording each request's Range header. */
function fakeFetch(handler: (range: string | undefined, call: number) => Response): {
  fetch: typeof fetch;
  ranges: (string | undefined)[];
} {
  const ranges: (string | undefined)[] = [];
  return {
    ranges,
    fetch: async (_url, init) => {
      const range = (init?.headers as Record<string, string> | undefined)?.["range"];
      ranges.push(range);
      return handler(range, ranges.length);
    },
  };
}

function brokenAfter(bytes: Uint8Array, cut: number): Response {
  return new Response(
    new ReadableStream({
      start(controller) {
        controller.enqueue(bytes.slice(0, cut));
      },
      pull(controller) {
        controller.error(new TypeError("connection reset"));
      },
    }),
  );
}

describe("downloadVerified", () => {
  test("resumes a broken-off body with a Range request and returns the verified bytes", async () => {
    const { fetch, ranges } = fakeFetch((range) => {
      if (!range) return brokenAfter(body, 6000);
      const from = Number(/bytes=(\d+)-/.exec(range)?.[1]);
      const headers = { "content-range": `bytes ${from}-${body.length - 1}/${body.length}` };
      return new Response(body.slice(from), { status: 206, headers });
    });
    const loaded: number[] = [];
    const bytes = await downloadVerified(await target(), {
      fetch,
      backoffMs: 0,
      onBytes: (n) => loaded.push(n),
    });
    expect(bytes).toEqual(body);
    expect(ranges).toEqual([undefined, "bytes=6000-"]);
    expect(loaded.at(-1)).toBe(body.length);
  });

  test("starts over when the server ignores Range and answers 200", async () => {
    const { fetch, ranges } = fakeFetch((range) => (range ? new Response(body) : brokenAfter(body, 6000)));
    expect(await downloadVerified(await target(), { fetch, backoffMs: 0 })).toEqual(body);
    expect(ranges).toHaveLength(2);
  });

  test("refuses bytes whose SHA-256 differs, after one fresh retry", async () => {
    const bad = body.slice();
    bad[5] = (bad[5] as number) ^ 1;
    const { fetch, ranges } = fakeFetch(() => new Response(bad));
    await expect(downloadVerified(await target(), { fetch, backoffMs: 0 })).rejects.toBeInstanceOf(
      IntegrityError,
    );
    expect(ranges).toHaveLength(2);
  });

  test("refuses a body longer than the manifest's size without retrying", async () => {
    const { fetch, ranges } = fakeFetch(() => new Response(new Uint8Array(body.length + 10)));
    await expect(downloadVerified(await target(), { fetch, backoffMs: 0 })).rejects.toThrow(/20010 bytes/);
    expect(ranges).toHaveLength(1);
  });

  test("does not retry a 404", async () => {
    const { fetch, ranges } = fakeFetch(() => new Response("no", { status: 404 }));
    const error = await downloadVerified(await target(), { fetch, backoffMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).status).toBe(404);
    expect(ranges).toHaveLength(1);
  });

  test("gives up after the retries with the last failure in the message", async () => {
    const { fetch, ranges } = fakeFetch(() => new Response("busy", { status: 503 }));
    await expect(downloadVerified(await target(), { fetch, backoffMs: 0, retries: 2 })).rejects.toThrow(
      /3 attempts failed, last: HTTP 503/,
    );
    expect(ranges).toHaveLength(3);
  });

  test("stops with a CancelledError when its signal aborts during the backoff", async () => {
    const controller = new AbortController();
    const { fetch } = fakeFetch(() => {
      controller.abort();
      return new Response("busy", { status: 503 });
    });
    const download = downloadVerified(await target(), {
      fetch,
      backoffMs: 60_000,
      signal: controller.signal,
    });
    await expect(download).rejects.toBeInstanceOf(CancelledError);
  });
});
