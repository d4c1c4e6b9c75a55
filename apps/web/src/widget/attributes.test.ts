import { describe, expect, it } from "vitest";
import {
  parseApi,
  parseCaption,
  parseChannel,
  parseCount,
  parseGenerateRequest,
  parseGuidance,
  parseSeed,
  parseTaskKind,
  WidgetAttributeError,
} from "./attributes";

const API = "https://api.example.org";
const none = { caption: null, count: null, seed: null, guidance: null, channel: null, api: null };

describe("generate attributes", () => {
  it("fill in the defaults: 4 images, a random seed, the model's guidance, stable, the build's API", () => {
    expect(parseGenerateRequest({ ...none, caption: "  red   apple " }, API)).toEqual({
      caption: "red apple",
      count: 4,
      seed: undefined,
      guidance: undefined,
      channel: "stable",
      api: API,
    });
  });

  it("read every attribute given", () => {
    const attributes = {
      caption: "a",
      count: "16",
      seed: "7",
      guidance: "2.5",
      channel: "beta",
      api: `${API}/`,
    };
    expect(parseGenerateRequest(attributes, "")).toEqual({
      caption: "a",
      count: 16,
      seed: 7,
      guidance: 2.5,
      channel: "beta",
      api: API,
    });
  });

  it.each([
    [
      "count",
      () => parseCount("1000"),
      'The count attribute is "1000"; expected a whole number from 1 to 16',
    ],
    ["count", () => parseCount("2.5"), 'The count attribute is "2.5"'],
    ["count", () => parseCount("0"), 'The count attribute is "0"'],
    ["caption", () => parseCaption(""), 'The caption attribute is ""; expected a description of the image'],
    ["caption", () => parseCaption(null), "The caption attribute is missing"],
    ["caption", () => parseCaption("x".repeat(301)), "expected at most 300 characters"],
    [
      "seed",
      () => parseSeed("-1"),
      'The seed attribute is "-1"; expected a whole number from 0 to 4294967295',
    ],
    [
      "guidance",
      () => parseGuidance("loud"),
      'The guidance attribute is "loud"; expected a number from 0 to 20',
    ],
    [
      "channel",
      () => parseChannel("nightly"),
      'The channel attribute is "nightly"; expected one of "stable", "beta"',
    ],
    ["kind", () => parseTaskKind("draw"), 'expected one of "caption-for-image", "image-for-caption"'],
    [
      "api",
      () => parseApi("not a url", ""),
      'The api attribute is "not a url"; expected the Commonspace API',
    ],
    ["api", () => parseApi("ftp://x.example", ""), "expected an http or https URL"],
    ["api", () => parseApi(null, ""), "The api attribute is missing"],
  ])("refuse a bad %s with a message that names it and what is allowed", (attribute, parse, message) => {
    const error = (() => {
      try {
        parse();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WidgetAttributeError);
    expect(error).toMatchObject({ attribute });
    expect((error as Error).message).toContain(message);
  });
});
