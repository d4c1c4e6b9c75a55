/**
 * This browser's anonymous contributor identity: created through the API (POST /v1/contributors) the first
 * time a write needs it and kept in localStorage, so contributions and task answers from this browser share one
 * contributor and "your contributions" can list them. The token is the only credential; it never leaves this
 * browser except in the Authorization header of our own API.
 */
import type { ApiClient } from "./api";

/** The stored identity. */
export interface Contributor {
  readonly id: string;
  readonly token: string;
  readonly createdAt: string;
}

/** The API would not create a contributor (down, or rate-limited). */
export class ContributorError extends Error {
  override readonly name = "ContributorError";
}

/** Where the identity is kept (localStorage in the app; a Map-backed stand-in in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = "commonspace.contributor";

/** One identity per browser; see the file header. */
export class ContributorIdentity {
  private creating: Promise<Contributor> | undefined;

  constructor(
    private readonly client: ApiClient,
    private readonly store: KeyValueStore,
  ) {}

  /** The stored identity, if this browser has one (no network). */
  current(): Contributor | undefined {
    const text = this.store.getItem(KEY);
    if (!text) return undefined;
    try {
      const value = JSON.parse(text) as Partial<Contributor>;
      if (typeof value.id === "string" && typeof value.token === "string")
        return { id: value.id, token: value.token, createdAt: String(value.createdAt ?? "") };
    } catch {
      // A damaged entry is replaced by a new identity below.
    }
    return undefined;
  }

  /** The identity, created on first need (one request however many callers ask at once). */
  async get(): Promise<Contributor> {
    const known = this.current();
    if (known) return known;
    this.creating ??= this.create().finally(() => (this.creating = undefined));
    return this.creating;
  }

  /** `Bearer <token>` for the Authorization header. */
  async authorization(): Promise<string> {
    return `Bearer ${(await this.get()).token}`;
  }

  private async create(): Promise<Contributor> {
    let res;
    try {
      res = await this.client.v1.contributors.$post();
    } catch (error) {
      throw new ContributorError(`Cannot reach the API to create a contributor: ${String(error)}`);
    }
    if (!res.ok)
      throw new ContributorError(`The API refused to create a contributor (HTTP ${res.status}); try later.`);
    const body = await res.json();
    const contributor = { id: body.id, token: body.token, createdAt: body.created_at };
    this.store.setItem(KEY, JSON.stringify(contributor));
    return contributor;
  }
}
