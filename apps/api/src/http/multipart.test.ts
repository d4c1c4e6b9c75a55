import { describe, expect, it } from "vitest";
import { multipartBody } from "../../test/helpers/multipart";
import { ApiError } from "../errors";
import { indexOfBytes, multipartBoundary, parseMultipart } from "./multipart";

const encode = (text: string) => new TextEncoder().encode(text);

describe("parseMultipart", () => {
  it("splits fields and files, keeping raw bytes and part headers", () => {
    const image = new Uint8Array([0, 13, 10, 45, 45, 255]);
    const { body, contentType } = multipartBody([
      { name: "caption", value: "héllo" },
      { name: "image", value: image, filename: "a.png", contentType: "image/png" },
    ]);
    const parts = parseMultipart(body, multipartBoundary(contentType));
    expect(parts.map((part) => [part.name, part.filename, part.contentType])).toEqual([
      ["caption", null, null],
      ["image", "a.png", "image/png"],
    ]);
    expect(new TextDecoder().decode(parts[0]!.data)).toBe("héllo");
    expect(parts[1]!.data).toEqual(image);
  });

  it("reads quoted and unquoted boundaries and refuses other media types", () => {
    expect(multipartBoundary('multipart/form-data; boundary="a b"')).toBe("a b");
    expect(multipartBoundary("Multipart/Form-Data;boundary=xyz")).toBe("xyz");
    expect(() => multipartBoundary("application/json")).toThrow(ApiError);
    expect(() => multipartBoundary("multipart/form-data")).toThrow(/boundary/);
  });

  it.each([
    ["no boundary at all", "hello"],
    ["an unterminated part", '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nvalue'],
    ["a part without a name", "--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--"],
    ["a non-form-data disposition", '--b\r\nContent-Disposition: attachment; name="x"\r\n\r\nv\r\n--b--'],
    ["headers that never end", '--b\r\nContent-Disposition: form-data; name="x"'],
  ])("refuses %s with 400", (_name, body) => {
    expect(() => parseMultipart(encode(body), "b")).toThrow(/Malformed multipart/);
  });

  it("refuses more parts than allowed", () => {
    const { body } = multipartBody(
      Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, value: "v" })),
      "b",
    );
    expect(() => parseMultipart(body, "b", { maxParts: 4 })).toThrow(/more than 4 parts/);
  });
});

describe("indexOfBytes", () => {
  it("finds a needle, or -1", () => {
    expect(indexOfBytes(encode("abcabd"), encode("abd"))).toBe(3);
    expect(indexOfBytes(encode("abcabd"), encode("abe"))).toBe(-1);
    expect(indexOfBytes(encode("ab"), encode("abc"))).toBe(-1);
  });
});
