import { describe, expect, test } from "vitest";
import * as errors from "../errors";
import {
  BundleFormatError,
  CancelledError,
  DownloadError,
  IntegrityError,
  ModelError,
  ModelOptionError,
  NoPreviousVersionError,
  QuotaError,
  SignatureError,
} from "../errors";
import { fromWireError, toWireError } from "./wire-error";
import { WorkerError } from "./worker-error";

/** Through the wire and back, with a structured clone in between as postMessage makes. */
const cross = (error: unknown): Error => fromWireError(structuredClone(toWireError(error)));

describe("errors across the worker boundary", () => {
  test.each([
    [new CancelledError("generate", 5), { operation: "generate", step: 5 }],
    [
      new DownloadError("https://api.example/x", 503, "HTTP 503"),
      { url: "https://api.example/x", status: 503 },
    ],
    [
      new IntegrityError("gpt.onnx", { sha256: "aa", bytes: 2 }, { sha256: "bb", bytes: 1 }),
      { file: "gpt.onnx", expected: { sha256: "aa", bytes: 2 }, actual: { sha256: "bb", bytes: 1 } },
    ],
    [new QuotaError(100, 50), { needed: 100, available: 50 }],
    [new BundleFormatError("card.vq.res", 31, "a multiple of the grid"), { field: "card.vq.res", found: 31 }],
    [
      new NoPreviousVersionError("default", "https://api.example", "none kept"),
      { model: "default", reason: "none kept" },
    ],
    [new SignatureError("key abc is not trusted"), {}],
    [new WorkerError("crashed: boom", true), { detail: "crashed: boom", restarts: true }],
  ])("%s keeps its class, name, message and fields", (error, fields) => {
    const back = cross(error);
    expect(back).toBeInstanceOf(error.constructor);
    expect(back).toBeInstanceOf(ModelError);
    expect(back.name).toBe(error.name);
    expect(back.message).toBe(error.message);
    expect(back).toMatchObject(fields);
    expect(back.stack).toBe(error.stack);
  });

  test("re-creates every error class errors.ts exports, by name", () => {
    const classes = Object.entries(errors).filter(([, v]) => typeof v === "function");
    expect(classes.length).toBeGreaterThanOrEqual(11);
    for (const [name, Class] of classes) {
      const back = fromWireError({ name, message: "m" });
      expect(back, name).toBeInstanceOf(Class);
      expect(back.name).toBe(name);
    }
  });

  test("keeps a cause chain and turns uncloneable fields into text", () => {
    const error = new DownloadError("u", undefined, "offline", { cause: new TypeError("fetch failed") });
    const back = cross(error) as DownloadError;
    expect(back.status).toBeUndefined();
    expect(back.cause).toBeInstanceOf(TypeError);
    expect((back.cause as Error).message).toBe("fetch failed");
    const option = cross(new ModelOptionError("onProgress", () => 1, "a function")) as ModelOptionError;
    expect(option).toBeInstanceOf(ModelOptionError);
    expect(typeof option.found).toBe("string");
  });

  test("built-in errors, unknown classes and thrown non-errors", () => {
    expect(cross(new RangeError("r"))).toBeInstanceOf(RangeError);
    const unknown = Object.assign(new Error("x"), { name: "AbortError" });
    expect(cross(unknown)).toMatchObject({ name: "AbortError", message: "x" });
    expect(cross("a string")).toMatchObject({ name: "Error", message: "a string" });
  });
});
