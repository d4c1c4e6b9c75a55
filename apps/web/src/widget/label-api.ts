// The label widget's side of the API (docs/api.md): the visitor's anonymous contributor token, created with
// POST /v1/contributors on the visitor's first "Start" and kept in the host page's localStorage (one per API),
// the next pairing task, its answer, and the task's images. Plain fetch, not the app's Hono client: the widget
// stays small, and these four routes are all it uses.
import type { WidgetTaskKind } from "./attributes";
import { ApiUnreachableError, WidgetApiError } from "./errors";

/** An image as a task carries it. */
export interface TaskImage {
  readonly sha256: string;
  /** Path on the API, e.g. `/v1/images/<sha256>`. */
  readonly url: string;
}

/** A candidate: a caption (caption-for-image) or an image (image-for-caption). */
export type TaskCandidate =
  | { readonly id: string; readonly caption: { readonly id: string; readonly text: string } }
  | { readonly id: string; readonly image: TaskImage };

/** A pairing task with its signed token. */
export interface LabelTask {
  readonly id: string;
  readonly kind: WidgetTaskKind;
  readonly prompt: { readonly image: TaskImage } | { readonly caption: { readonly text: string } };
  readonly candidates: readonly TaskCandidate[];
  readonly token: string;
}

/** The API's answer to a task answer. */
export interface AnswerReceipt {
  readonly taskId: string;
  readonly choice: string;
  /** Judgments written: one per candidate. */
  readonly judgments: number;
}

/** Where the token is kept (localStorage; a Map-backed stand-in in tests). */
export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The localStorage key of the contributor token for `api`. */
export function tokenKey(api: string): string {
  return `commonspace-widget.contributor:${api}`;
}

/** The four routes; see the file header. */
export class LabelApi {
  private memory: string | undefined;
  private creating: Promise<string> | undefined;

  constructor(
    readonly api: string,
    private readonly store: TokenStore | undefined,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /** Whether this browser already has a contributor token for this API (no request). */
  hasToken(): boolean {
    return this.stored() !== undefined;
  }

  /** The token, created on first need (one request however many callers ask at once). */
  token(): Promise<string> {
    const known = this.stored();
    if (known) return Promise.resolve(known);
    this.creating ??= this.createToken().finally(() => (this.creating = undefined));
    return this.creating;
  }

  /** The next task of `kind` with `k` candidates. */
  async nextTask(kind: WidgetTaskKind, k = 4): Promise<LabelTask> {
    const body = await this.authorised(`/v1/tasks/next?kind=${kind}&k=${k}`, { method: "GET" });
    const { task, token } = body as { task: Omit<LabelTask, "token">; token: string };
    return { ...task, token };
  }

  /** Answers `task` with a candidate id or `"none"`. */
  async answer(task: LabelTask, choice: string): Promise<AnswerReceipt> {
    const body = (await this.authorised(`/v1/tasks/${encodeURIComponent(task.id)}/answer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: task.token, choice }),
    })) as { task_id: string; choice: string; judgments: number };
    return { taskId: body.task_id, choice: body.choice, judgments: body.judgments };
  }

  /** The bytes of a task image (`url` is the API path the task gave). */
  async image(url: string): Promise<Blob> {
    const res = await this.send(url, { method: "GET" });
    if (!res.ok) throw await apiError(res);
    return res.blob();
  }

  /** Sends with the token; an unknown token (the API forgot it) is replaced once. */
  private async authorised(path: string, init: RequestInit): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.token();
      const headers = { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` };
      const res = await this.send(path, { ...init, headers });
      if (res.status === 401 && attempt === 0) {
        this.forget();
        continue;
      }
      if (!res.ok) throw await apiError(res);
      return res.json();
    }
  }

  private async createToken(): Promise<string> {
    const res = await this.send("/v1/contributors", { method: "POST" });
    if (!res.ok) throw await apiError(res);
    const { token } = (await res.json()) as { token: string };
    this.memory = token;
    try {
      this.store?.setItem(tokenKey(this.api), token);
    } catch {
      // Storage refused (private mode, quota): the token lasts for this page only.
    }
    return token;
  }

  private stored(): string | undefined {
    if (this.memory) return this.memory;
    try {
      return this.store?.getItem(tokenKey(this.api)) || undefined;
    } catch {
      return undefined;
    }
  }

  private forget(): void {
    this.memory = undefined;
    try {
      this.store?.removeItem(tokenKey(this.api));
    } catch {
      // nothing stored
    }
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetcher(`${this.api}${path}`, init);
    } catch (error) {
      throw new ApiUnreachableError(this.api, error);
    }
  }
}

/** The API's `{ error: { code, message } }` as a WidgetApiError (or the status when the body is not that). */
async function apiError(res: Response): Promise<WidgetApiError> {
  const body = (await res.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string } } | undefined;
  const code = body?.error?.code ?? `http_${res.status}`;
  const message = body?.error?.message ?? `The API answered HTTP ${res.status}.`;
  return new WidgetApiError(res.status, code, `${message} (${code})`);
}
