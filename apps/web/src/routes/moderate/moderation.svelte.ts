// The Moderate page's state: the admin token (entered once, kept in sessionStorage so it lives only as long as
// the tab), the pending queue (images with their captions, licence, consent and each contributor's history),
// the images' bytes (pending images are served to the admin token only, so they are fetched with it and shown
// from object URLs), a selection, and decisions on one item or on the selection at once (all or nothing).
import { SvelteSet } from "svelte/reactivity";
import type { ApiClient } from "$lib/api";

/** A contributor's contributions by status. */
export interface History {
  readonly pending: number;
  readonly approved: number;
  readonly rejected: number;
  readonly withdrawn: number;
}

/** One caption of an item. */
export interface QueueCaption {
  readonly pair_id: string;
  readonly caption: { readonly text: string };
  readonly origin: string;
  readonly contributor_id: string | null;
  readonly licence: string | null;
  readonly consent: { readonly terms_version: string; readonly consented_at: string } | null;
}

/** One item of the queue. */
export interface QueueItem {
  readonly image: {
    readonly sha256: string;
    readonly url: string;
    readonly status: string;
    readonly licence: string;
    readonly attribution: string;
    readonly source: string;
    readonly width: number;
    readonly height: number;
    readonly contributor_id: string | null;
  };
  readonly pending_captions: readonly QueueCaption[];
  readonly approved_captions: readonly QueueCaption[];
  readonly contributors: Readonly<Record<string, History>>;
}

type Decision =
  { image: string; status: "approved" | "rejected" } | { pair_id: string; status: "approved" | "rejected" };

const TOKEN_KEY = "commonspace.adminToken";

/** The decisions that settle `item`: the image itself when pending, else each of its pending captions. */
export function decisionsFor(item: QueueItem, status: "approved" | "rejected"): Decision[] {
  if (item.image.status === "pending") return [{ image: item.image.sha256, status }];
  return item.pending_captions.map((c) => ({ pair_id: c.pair_id, status }));
}

/** State of the Moderate page; see the file header. */
export class Moderation {
  token: string | undefined = $state();
  items: QueueItem[] = $state([]);
  /** Object URLs of the items' images, by SHA-256. */
  images: Record<string, string> = $state({});
  readonly selected = new SvelteSet<string>();
  state: "signed-out" | "loading" | "ready" | "error" = $state("signed-out");
  message: { kind: "ok" | "error"; text: string } | undefined = $state();
  busy = $state(false);

  constructor(
    private readonly client: ApiClient,
    private readonly apiUrl: string,
  ) {
    this.token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  }

  /** Keeps `token` for this tab and loads the queue; a refused token is forgotten again. */
  async signIn(token: string): Promise<void> {
    this.token = token.trim();
    sessionStorage.setItem(TOKEN_KEY, this.token);
    await this.load();
  }

  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    this.token = undefined;
    this.items = [];
    this.state = "signed-out";
  }

  /** Reads the first page of the queue and fetches its images. */
  async load(): Promise<void> {
    if (!this.token) return;
    this.state = "loading";
    try {
      const res = await this.client.v1.admin.moderation.queue.$get({ query: { limit: "50" } }, this.auth());
      if (res.status === 401) {
        this.signOut();
        this.message = { kind: "error", text: "The API refused that admin token; enter it again." };
        return;
      }
      if (!res.ok) throw new Error(`the API answered ${res.status}`);
      this.items = (await res.json()).items as QueueItem[];
      for (const sha of [...this.selected])
        if (!this.items.some((i) => i.image.sha256 === sha)) this.selected.delete(sha);
      this.state = "ready";
      void this.fetchImages();
    } catch (error) {
      this.state = "error";
      this.message = {
        kind: "error",
        text: `Cannot read the queue from ${this.apiUrl}: ${messageOf(error)}`,
      };
    }
  }

  toggle(sha256: string): void {
    if (!this.selected.delete(sha256)) this.selected.add(sha256);
  }

  /** Approves or rejects `items` in one all-or-nothing request. */
  async decide(items: readonly QueueItem[], status: "approved" | "rejected"): Promise<void> {
    const decisions = items.flatMap((item) => decisionsFor(item, status));
    if (decisions.length === 0 || this.busy) return;
    this.busy = true;
    try {
      const res = await this.client.v1.admin.moderation.decisions.$post({ json: { decisions } }, this.auth());
      if (!res.ok) {
        const body = (await res.json().catch(() => undefined)) as
          { error?: { message?: string } } | undefined;
        throw new Error(body?.error?.message ?? `the API answered ${res.status}`);
      }
      const word = status === "approved" ? "Approved" : "Rejected";
      this.message = { kind: "ok", text: `${word} ${items.length} item${items.length === 1 ? "" : "s"}.` };
      await this.load();
    } catch (error) {
      this.message = { kind: "error", text: `Nothing was changed: ${messageOf(error)}` };
    } finally {
      this.busy = false;
    }
  }

  private auth() {
    return { headers: { authorization: `Bearer ${this.token ?? ""}` } };
  }

  private async fetchImages(): Promise<void> {
    for (const item of this.items) {
      const sha = item.image.sha256;
      if (this.images[sha]) continue;
      const res = await fetch(`${this.apiUrl}${item.image.url}`, this.auth()).catch(() => undefined);
      if (res?.ok) this.images = { ...this.images, [sha]: URL.createObjectURL(await res.blob()) };
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
