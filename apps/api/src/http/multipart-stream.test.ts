import { describe, expect, it } from "vitest";
import { multipartBody } from "../../test/helpers/multipart";
import {
  boundaryFromContentType,
  MultipartError,
  readMultipartForm,
  readPartText,
  streamMultipart,
  type StreamedPart,
} from "./multipart-stream";

const encoder = new TextEncoder();

/** A stream that hands out `bytes` in chunks of `size` (the last may be shorter). */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

function join(...pieces: (string | Uint8Array)[]): Uint8Array {
  const arrays = pieces.map((p) => (typeof p === "string" ? encoder.encode(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  arrays.reduce((offset, a) => (out.set(a, offset), offset + a.length), 0);
  return out;
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function collect(stream: ReadableStream<Uint8Array>, boundary: string) {
  const parts: { name: string; filename: string | null; contentType: string | null; bytes: Uint8Array }[] =
    [];
  for await (const part of streamMultipart(stream, boundary)) {
    parts.push({ ...part, bytes: await bytesOf(part.body) });
  }
  return parts;
}

// A file whose bytes contain near-misses of the delimiter, so a naive splitter would cut it short.
const tricky = join(
  "\r\n--b",
  "\r\n--Xbn",
  "\r\n-Xbnd",
  "\n--Xbnd",
  new Uint8Array([0, 13, 10, 255, 45, 45]),
);
const body = join(
  "--Xbnd\r\n",
  'Content-Disposition: form-data; name="manifest"\r\nContent-Type: application/json\r\n\r\n',
  '{"a":1}',
  "\r\n--Xbnd\r\n",
  'Content-Disposition: form-data; name="w.onnx"; filename="w.onnx"\r\n\r\n',
  tricky,
  "\r\n--Xbnd--\r\n",
);

describe("streamMultipart", () => {
  it.each([1, 2, 5, 7, 64, 100_000])(
    "reads every part exactly when the body arrives in %i-byte chunks",
    async (size) => {
      const parts = await collect(chunked(body, size), "Xbnd");
      expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
        ["manifest", null, "application/json"],
        ["w.onnx", "w.onnx", null],
      ]);
      expect(new TextDecoder().decode(parts[0]?.bytes)).toBe('{"a":1}');
      expect(parts[1]?.bytes).toEqual(tricky);
    },
  );

  it("skips a part whose body the consumer never reads", async () => {
    const names: string[] = [];
    let last: Uint8Array = new Uint8Array(0);
    for await (const part of streamMultipart(chunked(body, 3), "Xbnd")) {
      names.push(part.name);
      if (part.name === "w.onnx") last = await bytesOf(part.body);
    }
    expect(names).toEqual(["manifest", "w.onnx"]);
    expect(last).toEqual(tricky);
  });

  it("ignores a preamble, transport padding and an epilogue", async () => {
    const padded = join(
      "preamble text\r\n--Q \t\r\n",
      'Content-Disposition: form-data; name="x"\r\n\r\nhello\r\n--Q--\r\nepilogue',
    );
    const parts = await collect(chunked(padded, 4), "Q");
    expect(parts.map((p) => [p.name, new TextDecoder().decode(p.bytes)])).toEqual([["x", "hello"]]);
  });

  it("reads the body workerd itself serialises from FormData", async () => {
    const form = new FormData();
    form.append("manifest", '{"name":"m"}');
    form.append("w.bin", new Blob([tricky]), "w.bin");
    const request = new Request("http://x.test/", { method: "POST", body: form });
    const boundary = boundaryFromContentType(request.headers.get("content-type"));
    const parts = await collect(request.body as ReadableStream<Uint8Array>, boundary);
    expect(parts.map((p) => p.name)).toEqual(["manifest", "w.bin"]);
    expect(parts[1]?.bytes).toEqual(tricky);
  });

  it.each([
    ["a body cut off inside a part", join("--Q\r\n", 'Content-Disposition: form-data; name="x"\r\n\r\nabc')],
    ["a part without a name", join("--Q\r\n", "Content-Disposition: form-data\r\n\r\nabc\r\n--Q--")],
    [
      "a part that is not form-data",
      join("--Q\r\n", 'Content-Disposition: inline; name="x"\r\n\r\na\r\n--Q--'),
    ],
    [
      "garbage after a delimiter",
      join("--Q\r\n", 'Content-Disposition: form-data; name="x"\r\n\r\na\r\n--Qzz\r\n'),
    ],
    ["a body with no delimiter at all", join("x".repeat(5000))],
  ])("rejects %s with a MultipartError", async (_label, bad) => {
    await expect(collect(chunked(bad, 3), "Q")).rejects.toBeInstanceOf(MultipartError);
  });

  it("rejects more parts than the limit allows", async () => {
    const many = join(
      ...Array.from(
        { length: 3 },
        (_, i) => `--Q\r\nContent-Disposition: form-data; name="p${i}"\r\n\r\nv\r\n`,
      ),
      "--Q--",
    );
    const run = async () => {
      for await (const part of streamMultipart(chunked(many, 8), "Q", { maxParts: 2 }))
        await bytesOf(part.body);
    };
    await expect(run()).rejects.toThrow(/More than 2 parts/);
  });
});

describe("boundaryFromContentType", () => {
  it("extracts a quoted or bare boundary", () => {
    expect(boundaryFromContentType('multipart/form-data; boundary="a b"')).toBe("a b");
    expect(boundaryFromContentType("Multipart/Form-Data;boundary=----x1")).toBe("----x1");
  });

  it.each([
    [null],
    ["application/json"],
    ["multipart/form-data"],
    [`multipart/form-data; boundary=${"b".repeat(71)}`],
  ])("rejects %s", (value) => {
    expect(() => boundaryFromContentType(value)).toThrow(MultipartError);
  });
});

describe("readPartText", () => {
  const part = (bytes: Uint8Array): StreamedPart => ({
    name: "manifest",
    filename: null,
    contentType: null,
    body: chunked(bytes, 2),
  });

  it("decodes UTF-8 text within the limit", async () => {
    expect(await readPartText(part(encoder.encode("héllo")), 10)).toBe("héllo");
  });

  it("rejects text over the limit and invalid UTF-8", async () => {
    await expect(readPartText(part(encoder.encode("x".repeat(11))), 10)).rejects.toThrow(/larger than 10/);
    await expect(readPartText(part(new Uint8Array([0xff, 0xfe])), 10)).rejects.toThrow(/UTF-8/);
  });
});

describe("readMultipartForm", () => {
  it("reads a contribution-sized form into memory, raw bytes kept (invalid UTF-8 included)", async () => {
    const image = new Uint8Array([0, 13, 10, 45, 45, 255]);
    const { body, contentType } = multipartBody([
      { name: "caption", value: new Uint8Array([0x72, 0xc3, 0x28]) },
      { name: "image", value: image, filename: "a.png", contentType: "image/png" },
    ]);
    const parts = await readMultipartForm(chunked(body, 5), boundaryFromContentType(contentType));
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ["caption", null, null],
      ["image", "a.png", "image/png"],
    ]);
    expect([...parts[0]!.data]).toEqual([0x72, 0xc3, 0x28]);
    expect(parts[1]!.data).toEqual(image);
  });

  it("refuses a part over its limit and more parts than allowed", async () => {
    const { body } = multipartBody(
      Array.from({ length: 3 }, (_, i) => ({ name: `f${i}`, value: "value" })),
      "b",
    );
    await expect(readMultipartForm(chunked(body, 7), "b", { maxParts: 2 })).rejects.toThrow(/More than 2/);
    await expect(readMultipartForm(chunked(body, 7), "b", { maxPartBytes: 4 })).rejects.toThrow(
      /larger than 4/,
    );
  });

  it("passes an error of the underlying stream through unchanged", async () => {
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nabc'));
        controller.error(new RangeError("over the limit"));
      },
    });
    await expect(readMultipartForm(failing, "b")).rejects.toBeInstanceOf(RangeError);
  });
});
