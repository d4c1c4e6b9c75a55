// An in-process stand-in for the API's model routes (docs/manifest-format.md §6), for store and download tests:
// a channel manifest with ETag / If-None-Match, immutable files by SHA-256 with single Range requests, and
// knobs to tamper with bytes, drop connections and count what was fetched. Signs with a key made per test.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  canonicalJsonBytes,
  keyIdFor,
  sha256Hex,
  type JsonValue,
  type TrustedKey,
} from "@commonspace/manifest";

export const API = "http://api.test";

export interface PublishedFile {
  name: string;
  role: string;
  bytes: Uint8Array;
  precision?: string;
}

/** Reads a bundle folder's runtime files (and README) as publishable files. */
export async function bundleFiles(dir: string): Promise<PublishedFile[]> {
  const card = JSON.parse(await readFile(join(dir, "card.json"), "utf8")) as {
    files: { name: string; role: string; precision?: string }[];
  };
  const listed = card.files.filter((f) => !f.role.startsWith("samples"));
  const files = await Promise.all(
    listed.map(async (f) => ({ ...f, bytes: new Uint8Array(await readFile(join(dir, f.name))) })),
  );
  return [
    { name: "card.json", role: "card", bytes: new Uint8Array(await readFile(join(dir, "card.json"))) },
    ...files,
  ];
}

export class FakeApi {
  readonly requests: { url: string; headers: Record<string, string>; status: number }[] = [];
  private readonly blobs = new Map<string, Uint8Array>();
  /** Bytes served instead of the true ones, by SHA-256. */
  readonly served = new Map<string, Uint8Array>();
  /** Close the body after this many bytes, for the next N file responses. */
  breakAfter: { bytes: number; times: number } | undefined;
  /** Answer 503 to the next N requests. */
  unavailable = 0;
  /** Refuse every request as if the network were down. */
  offline = false;
  private channelBody = "";
  private channelEtag = "";

  private constructor(
    private readonly signingKey: CryptoKey,
    readonly trustedKey: TrustedKey,
  ) {}

  static async create(): Promise<FakeApi> {
    const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    const key = {
      keyId: await keyIdFor(raw),
      publicKey: Buffer.from(raw).toString("base64"),
      label: "test key",
      development: true,
    };
    return new FakeApi(pair.privateKey, key);
  }

  /** Stores files, signs a manifest for `version` and points the channel at it. Returns the envelope text. */
  async publish(version: string, files: PublishedFile[], tamper?: (text: string) => string): Promise<string> {
    const entries = [];
    for (const file of files) {
      const sha256 = await sha256Hex(file.bytes);
      this.blobs.set(sha256, file.bytes);
      entries.push({
        name: file.name,
        role: file.role,
        bytes: file.bytes.length,
        sha256,
        ...(file.precision && { precision: file.precision }),
        url: `/v1/models/files/${sha256}`,
      });
    }
    const manifest = {
      format: "commonspace-manifest/1",
      model: "default",
      version,
      created: "2026-11-28T12:00:00.000Z",
      files: entries,
      metrics: {},
    } as unknown as JsonValue;
    const bytes = canonicalJsonBytes(manifest);
    const signature = await crypto.subtle.sign(
      { name: "Ed25519" },
      this.signingKey,
      bytes as Uint8Array<ArrayBuffer>,
    );
    const text = JSON.stringify({
      key_id: this.trustedKey.keyId,
      manifest,
      signature: Buffer.from(signature).toString("base64"),
    });
    this.channelBody = tamper ? tamper(text) : text;
    this.channelEtag = `"${await sha256Hex(bytes)}"`;
    return this.channelBody;
  }

  /** Requests for files (not manifests). */
  fileRequests(): number {
    return this.requests.filter((r) => r.url.includes("/v1/models/files/")).length;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = String(input);
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    if (this.offline) throw new TypeError("fetch failed (offline)");
    const respond = (response: Response): Response => {
      this.requests.push({ url, headers, status: response.status });
      return response;
    };
    if (this.unavailable > 0) {
      this.unavailable--;
      return respond(new Response("busy", { status: 503 }));
    }
    const path = new URL(url).pathname;
    if (path === "/v1/models/channels/stable/manifest") {
      if (headers["if-none-match"] === this.channelEtag) return respond(new Response(null, { status: 304 }));
      return respond(new Response(this.channelBody, { headers: { etag: this.channelEtag } }));
    }
    const sha = /^\/v1\/models\/files\/([0-9a-f]{64})$/.exec(path)?.[1];
    const bytes = sha && (this.served.get(sha) ?? this.blobs.get(sha));
    if (!sha || !bytes) return respond(new Response("not found", { status: 404 }));
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(headers["range"] ?? "");
    if (range && headers["if-range"] === `"${sha}"`) start = Number(range[1]);
    const body = bytes.slice(start);
    const status = start > 0 ? 206 : 200;
    const responseHeaders: Record<string, string> = { etag: `"${sha}"` };
    if (start > 0) responseHeaders["content-range"] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
    return respond(new Response(this.bodyStream(body), { status, headers: responseHeaders }));
  };

  private bodyStream(body: Uint8Array): ReadableStream<Uint8Array> {
    const breaks = this.breakAfter && this.breakAfter.times > 0 && this.breakAfter.bytes < body.length;
    const cut = breaks && this.breakAfter ? this.breakAfter.bytes : body.length;
    if (breaks && this.breakAfter) this.breakAfter.times--;
    let sent = 0;
    return new ReadableStream({
      pull(controller) {
        if (sent === body.length) return controller.close();
        // Deliver exactly `cut` bytes, then fail the next read, as a reset connection does.
        if (sent === cut) return controller.error(new TypeError("connection reset"));
        const end = Math.min(body.length, sent + 4096, cut);
        controller.enqueue(body.slice(sent, end));
        sent = end;
      },
    });
  }
}
