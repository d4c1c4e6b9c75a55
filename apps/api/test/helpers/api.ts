/**
 * Helpers that call the real worker (its default export, inside workerd) the way clients do: fetch with JSON,
 * multipart and bearer tokens. Every request goes through the whole app: middleware, routes and onError.
 */
import { createExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import { multipartBody, type FormField } from "./multipart";
import worker from "../../src/index";
import type { Env } from "../../src/env";
import { TERMS_VERSION } from "../../src/dataset/terms";
import { pngBytes } from "./image-bytes";

/** The admin token configured in vitest.config.ts. */
export const ADMIN_TOKEN = "test-admin-token";

/** Sends a request to the worker. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://api.test${path}`, init));
}

/** Sends a request to the worker's fetch handler with other bindings (a broken limiter, production vars). */
export async function callWithEnv(request: Request, bindings: Env): Promise<Response> {
  return worker.fetch(request, bindings, createExecutionContext());
}

/** Sends JSON with an optional bearer token. */
export function postJson(path: string, body: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  return call(path, { method: "POST", headers, body: JSON.stringify(body) });
}

/** GET with an optional bearer token. */
export function get(path: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, { headers: token ? { ...headers, Authorization: `Bearer ${token}` } : headers });
}

/** Asserts the JSON error shape with `status` and `code`, and returns the message. */
export async function expectApiError(res: Response, status: number, code: string): Promise<string> {
  const body = (await res.json()) as { error?: { code?: string; message?: string } };
  expect({ status: res.status, code: body.error?.code }).toEqual({ status, code });
  expect(typeof body.error?.message).toBe("string");
  return body.error?.message ?? "";
}

/** A new contributor's id and token. */
export async function newContributor(): Promise<{ id: string; token: string }> {
  const res = await call("/v1/contributors", { method: "POST" });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string };
}

/** Options for {@link contribute}. */
export interface ContributeOptions {
  image?: Uint8Array;
  imageType?: string;
  caption?: string | Uint8Array;
  licence?: string;
  consent?: string;
  /** Default: the current terms version; `null` leaves the field out. */
  termsVersion?: string | null;
  key?: string;
  extra?: FormField[];
}

/** POST /v1/contributions with sensible defaults, each overridable. */
export function contribute(token: string, options: ContributeOptions = {}): Promise<Response> {
  const fields: FormField[] = [
    {
      name: "image",
      value: options.image ?? pngBytes(),
      filename: "image.png",
      contentType: options.imageType ?? "image/png",
    },
    { name: "caption", value: options.caption ?? "a small test square" },
    { name: "licence", value: options.licence ?? "CC0-1.0" },
    { name: "consent", value: options.consent ?? "true" },
    ...(options.termsVersion === null
      ? []
      : [{ name: "terms_version", value: options.termsVersion ?? TERMS_VERSION }]),
    ...(options.extra ?? []),
  ];
  const { body, contentType } = multipartBody(fields);
  return call("/v1/contributions", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": contentType,
      "Idempotency-Key": options.key ?? crypto.randomUUID(),
    },
    body,
  });
}
