// The Label page's game: pairing tasks from the API (which caption fits this image, which image fits this
// caption), a few fetched ahead so the next one is there at once (and so play goes on for a while offline),
// answers sent through the offline write queue (queued when the network is gone, sent once when it returns),
// skip, and a running count.
import type { ApiClient } from "$lib/api";
import type { ContributorIdentity } from "$lib/contributor";
import type { WriteQueue } from "$lib/offline/write-queue";

/** The two kinds of task. */
export type TaskKind = "caption-for-image" | "image-for-caption";

/** An image as a task shows it. */
export interface TaskImage {
  readonly sha256: string;
  readonly url: string;
  readonly licence: string;
  readonly attribution: string;
}

/** One candidate: a caption (caption-for-image) or an image (image-for-caption). */
export type TaskCandidate =
  | { readonly id: string; readonly caption: { readonly id: string; readonly text: string } }
  | { readonly id: string; readonly image: TaskImage };

/** A task as the API sends it, with its signed token. */
export interface LabelTask {
  readonly id: string;
  readonly kind: TaskKind;
  readonly expiresAt: number;
  readonly prompt: { readonly image: TaskImage } | { readonly caption: { readonly text: string } };
  readonly candidates: readonly TaskCandidate[];
  readonly token: string;
}

/** How many tasks to hold ahead of the one shown. */
export const PREFETCH = 3;
/** The answer that says no candidate fits. */
export const NONE_FITS = "none";

/** State of the Label page; see the file header. */
export class Labeller {
  kind: TaskKind = $state("caption-for-image");
  current: LabelTask | undefined = $state();
  /** Answers given on this page (sent or waiting). */
  answered = $state(0);
  skipped = $state(0);
  /** Why no task is shown (offline with nothing fetched, no data, an API error). */
  problem: string | undefined = $state();
  /** The last answer could not be sent now and waits in the queue. */
  lastQueued = $state(false);
  /** How often this browser's answers agree with other people's (from the API; undefined offline). */
  agreement: { answers: number; compared: number; agreed: number } | undefined = $state();

  private ahead: LabelTask[] = [];
  private filling: Promise<void> | undefined;

  constructor(
    private readonly client: ApiClient,
    private readonly identity: ContributorIdentity,
    private readonly queue: WriteQueue,
    readonly k = 4,
  ) {}

  /** Shows the first task of `kind` (dropping tasks of the other kind). */
  async start(kind: TaskKind = this.kind): Promise<void> {
    if (kind !== this.kind) this.ahead = [];
    this.kind = kind;
    this.current = undefined;
    void this.readAgreement();
    await this.next();
  }

  /** Answers the shown task with a candidate id or {@link NONE_FITS}, then shows the next. */
  async answer(choice: string): Promise<void> {
    const task = this.current;
    if (!task) return;
    if (choice !== NONE_FITS && !task.candidates.some((c) => c.id === choice)) return;
    this.answered += 1;
    void this.next();
    const { outcome } = await this.queue.submit({
      path: `/v1/tasks/${task.id}/answer`,
      method: "POST",
      body: { kind: "json", value: { token: task.token, choice } },
      label: `answer to a ${task.kind} task`,
      alreadyDoneCodes: ["task_already_answered"],
      contributor: true,
    });
    this.lastQueued = outcome.status === "waiting";
    if (outcome.status === "sent") void this.readAgreement();
  }

  /** Reads the agreement statistic (GET /v1/contributors/me/agreement); silent when it cannot. */
  async readAgreement(): Promise<void> {
    const known = this.identity.current();
    if (!known) return;
    try {
      const res = await this.client.v1.contributors.me.agreement.$get(
        {},
        { headers: { authorization: `Bearer ${known.token}` } },
      );
      if (res.ok) this.agreement = await res.json();
    } catch {
      // Offline: the count on the page still shows what was answered here.
    }
  }

  /** Leaves the shown task unanswered. */
  skip(): Promise<void> {
    if (this.current) this.skipped += 1;
    return this.next();
  }

  private async next(): Promise<void> {
    const now = Date.now();
    this.ahead = this.ahead.filter((t) => t.expiresAt > now + 30_000);
    if (this.ahead.length === 0) await this.fill();
    this.current = this.ahead.shift();
    if (this.current) this.problem = undefined;
    void this.fill();
  }

  /** Fetches tasks until {@link PREFETCH} wait (one fill at a time). */
  private fill(): Promise<void> {
    this.filling ??= (async () => {
      try {
        while (this.ahead.length < PREFETCH) this.ahead.push(await this.fetchTask());
      } catch (error) {
        if (!this.current && this.ahead.length === 0) this.problem = messageOf(error);
      } finally {
        this.filling = undefined;
      }
    })();
    return this.filling;
  }

  private async fetchTask(): Promise<LabelTask> {
    const authorization = await this.identity.authorization();
    let res;
    try {
      res = await this.client.v1.tasks.next.$get(
        { query: { kind: this.kind, k: String(this.k) } },
        { headers: { authorization } },
      );
    } catch {
      throw new Error(
        "You are offline and every fetched task is answered. Answers you gave wait and are sent later.",
      );
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
      throw new Error(body?.error?.message ?? `The API answered ${res.status} for a new task.`);
    }
    const { task, token } = (await res.json()) as {
      task: Omit<LabelTask, "token" | "expiresAt"> & { expires_at: string };
      token: string;
    };
    return { ...task, expiresAt: Date.parse(task.expires_at), token };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
