import { BackendError, DownloadError, SignatureError } from "@commonspace/model/client";
import { describe, expect, it } from "vitest";
import { describeFailure } from "./generator.svelte";

const API = "http://127.0.0.1:8787";

describe("describeFailure", () => {
  it("calls an unreachable API api-down and says how to start it", () => {
    const failure = describeFailure(
      new DownloadError(`${API}/v1/models/channels/stable/manifest`, undefined, "fetch failed"),
      API,
    );
    expect(failure.kind).toBe("api-down");
    expect(failure.message).toContain(API);
    expect(failure.message).toContain("npm run dev");
  });

  it("tells the visitor to publish a model when the channel is empty", () => {
    const url = `${API}/v1/models/channels/stable/manifest`;
    const failure = describeFailure(new DownloadError(url, 404, "HTTP 404"), API);
    expect(failure.kind).toBe("no-model");
    expect(failure.message).toContain("publish-bundle.mjs");
  });

  it("calls a bad signature a refusal and keeps the package's explanation", () => {
    const failure = describeFailure(new SignatureError("the manifest signature does not verify"), API);
    expect(failure).toEqual({
      kind: "refused",
      message: `The model from ${API} was refused: the manifest signature does not verify`,
    });
  });

  it("passes other failures through with their own message", () => {
    expect(describeFailure(new BackendError("wasm could not create the gpt-step session"), API)).toEqual({
      kind: "failed",
      message: "wasm could not create the gpt-step session",
    });
  });
});
