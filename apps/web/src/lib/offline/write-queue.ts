/**
 * Writes that must not be lost when the network goes: contributions and task answers are put in IndexedDB
 * first, then sent; whatever could not be sent waits there and is sent when the network returns (the `online`
 * event, the next page load, or a timer). Each write carries one idempotency key for its whole life, and one
 * tab at a time sends (Web Locks), so a write reaches the API once however often it is retried: the API
 * replays the stored answer for a repeated key (contributions) or refuses a repeated answer with a code the
 * write names as "already done" (task answers).
 * Outcomes: 2xx or an "already done" code → sent (removed); another 4xx (but 408/429) → refused (kept with
 * the API's message, for the person to see and discard); no answer, 408, 429 or 5xx → still waiting.
 */
import { openDB, type DBSchema, type IDBPDatabase } from "idb";

/** A part of a multipart write (Blobs are stored by IndexedDB as they are). */
export interface FormField {
  readonly name: string;
  readonly value: string | Blob;
  readonly filename?: string;
}

/** The body of a write. */
export type WriteBody =
  | { readonly kind: "json"; readonly value: unknown }
  | { readonly kind: "form"; readonly fields: readonly FormField[] };

/** What to send: everything but the key, the time and the bookkeeping. */
export interface WriteRequest {
  /** Path under the API, e.g. `/v1/contributions`. */
  readonly path: string;
  readonly method: "POST" | "PUT" | "PATCH" | "DELETE";
  readonly body?: WriteBody;
  /** Shown in the list of waiting writes, e.g. `contribution "red apple"`. */
  readonly label: string;
  /** API error codes that mean an earlier attempt already went through (e.g. `task_already_answered`). */
  readonly alreadyDoneCodes?: readonly string[];
  /** Send the contributor's bearer token (fetched at send time, never stored in the queue). */
  readonly contributor?: boolean;
}

/** A write in the queue. */
export interface QueuedWrite extends WriteRequest {
  /** Also the `Idempotency-Key` header. */
  readonly id: string;
  readonly createdAt: number;
  readonly attempts: number;
  readonly state: "waiting" | "refused";
  /** The last failure (the API's message when refused). */
  readonly lastError?: string;
}

/** What happened to one write when it was sent. */
export type SendOutcome =
  | { readonly status: "sent"; readonly response: unknown }
  | { readonly status: "waiting"; readonly error: string }
  | { readonly status: "refused"; readonly error: string; readonly code: string };

interface QueueSchema extends DBSchema {
  writes: { key: string; value: QueuedWrite; indexes: { createdAt: number } };
}

/** Options of {@link WriteQueue}. */
export interface WriteQueueOptions {
  /** API base URL without a trailing slash. */
  readonly api: string;
  /** IndexedDB database name (default `commonspace-writes`). */
  readonly database?: string;
  /** The contributor's `Authorization` value, for writes with `contributor: true`. */
  readonly authorization?: () => Promise<string>;
  readonly fetch?: typeof fetch;
  /** Called after the queue changed (a write added, sent, refused or discarded). */
  readonly onChange?: () => void;
}

const LOCK = "commonspace-write-queue";

/** The queue; see the file header. */
export class WriteQueue {
  private readonly db: Promise<IDBPDatabase<QueueSchema>>;
  private readonly fetchImpl: typeof fetch;
  private flushing: Promise<void> | undefined;

  constructor(private readonly options: WriteQueueOptions) {
    this.db = openDB<QueueSchema>(options.database ?? "commonspace-writes", 1, {
      upgrade(db) {
        db.createObjectStore("writes", { keyPath: "id" }).createIndex("createdAt", "createdAt");
      },
    });
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Stores `request`, then tries to send it at once. Returns the stored write and the outcome of that try. */
  async submit(request: WriteRequest): Promise<{ write: QueuedWrite; outcome: SendOutcome }> {
    const db = await this.db;
    // Strictly after the newest queued write: two writes in one millisecond would otherwise tie in the
    // createdAt index, and ties are listed by their random ids, not oldest first.
    const newest = await db.transaction("writes").store.index("createdAt").openCursor(null, "prev");
    const write: QueuedWrite = {
      ...request,
      id: crypto.randomUUID(),
      createdAt: Math.max(Date.now(), (newest?.value.createdAt ?? 0) + 1),
      attempts: 0,
      state: "waiting",
    };
    await db.put("writes", write);
    this.options.onChange?.();
    return { write, outcome: await this.withLock(() => this.sendOne(write)) };
  }

  /** Every write still in the queue, oldest first. */
  async list(): Promise<QueuedWrite[]> {
    return (await this.db).getAllFromIndex("writes", "createdAt");
  }

  /** Removes a write (a refused one the person gave up on). */
  async discard(id: string): Promise<void> {
    await (await this.db).delete("writes", id);
    this.options.onChange?.();
  }

  /** Sends every waiting write, oldest first, stopping at the first that still cannot get through. */
  flush(): Promise<void> {
    this.flushing ??= this.withLock(async () => {
      for (const write of await this.list()) {
        if (write.state !== "waiting") continue;
        // Another tab may have sent it while this one waited for the lock.
        if (!(await (await this.db).get("writes", write.id))) continue;
        if ((await this.sendOne(write)).status === "waiting") break;
      }
    }).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async sendOne(write: QueuedWrite): Promise<SendOutcome> {
    const outcome = await this.attempt(write);
    const db = await this.db;
    if (outcome.status === "sent") await db.delete("writes", write.id);
    else {
      const state = outcome.status === "refused" ? "refused" : "waiting";
      await db.put("writes", { ...write, attempts: write.attempts + 1, state, lastError: outcome.error });
    }
    this.options.onChange?.();
    return outcome;
  }

  private async attempt(write: QueuedWrite): Promise<SendOutcome> {
    let response: Response;
    try {
      const headers = new Headers({ "Idempotency-Key": write.id });
      if (write.contributor && this.options.authorization)
        headers.set("Authorization", await this.options.authorization());
      const body = encodeBody(write.body, headers);
      response = await this.fetchImpl(`${this.options.api}${write.path}`, {
        method: write.method,
        headers,
        ...(body !== undefined && { body }),
      });
    } catch (error) {
      return { status: "waiting", error: `no answer from the API (${messageOf(error)})` };
    }
    const payload: unknown = await response.json().catch(() => undefined);
    const { code, message } = apiError(payload, response.status);
    if (response.ok || write.alreadyDoneCodes?.includes(code)) return { status: "sent", response: payload };
    if (response.status === 408 || response.status === 429 || response.status >= 500)
      return { status: "waiting", error: message };
    return { status: "refused", error: message, code };
  }

  /** Runs `task` while holding the queue's lock across tabs (or alone where Web Locks are missing). */
  private async withLock<T>(task: () => Promise<T>): Promise<T> {
    const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
    return locks ? (locks.request(LOCK, task) as Promise<T>) : task();
  }
}

function encodeBody(body: WriteBody | undefined, headers: Headers): BodyInit | undefined {
  if (!body) return undefined;
  if (body.kind === "json") {
    headers.set("Content-Type", "application/json");
    return JSON.stringify(body.value);
  }
  const form = new FormData();
  for (const field of body.fields) {
    if (typeof field.value === "string") form.append(field.name, field.value);
    else form.append(field.name, field.value, field.filename ?? "blob");
  }
  return form;
}

/** The API's `{ error: { code, message } }`, or a stand-in naming the status. */
function apiError(payload: unknown, status: number): { code: string; message: string } {
  const error = (payload as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === "string" ? error.code : `http_${status}`;
  const message = typeof error?.message === "string" ? error.message : `the API answered ${status}`;
  return { code, message };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
