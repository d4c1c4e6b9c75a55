// One piece of work that several requests wait for (two consumers asking the worker for the same model while
// it downloads): it runs once, every joiner gets its progress and its result, and it is cancelled only when
// every joiner has cancelled; a joiner that cancels alone gets its CancelledError and the others go on.
import { CancelledError } from "../errors";

/** Work that reports progress and honours a signal. */
export type SharedWork<T, P> = (signal: AbortSignal, onProgress: (progress: P) => void) => Promise<T>;

/** A task shared by the requests that join it; see the file header. */
export class SharedTask<T, P> {
  private readonly controller = new AbortController();
  private readonly joiners = new Set<(progress: P) => void>();
  private readonly result: Promise<T>;

  constructor(
    readonly key: string,
    private readonly operation: string,
    work: SharedWork<T, P>,
  ) {
    this.result = work(this.controller.signal, (progress) => {
      for (const joiner of this.joiners) joiner(progress);
    });
    this.result.catch(() => undefined);
  }

  /** Waits for the shared result; `signal` drops this joiner only (the last one out cancels the work). */
  join(signal: AbortSignal | undefined, onProgress: (progress: P) => void): Promise<T> {
    if (signal?.aborted) return Promise.reject(new CancelledError(this.operation));
    const joiner = (progress: P): void => onProgress(progress);
    this.joiners.add(joiner);
    return new Promise<T>((resolve, reject) => {
      const leave = (): void => {
        this.joiners.delete(joiner);
        if (this.joiners.size === 0) this.controller.abort();
        reject(new CancelledError(this.operation));
      };
      signal?.addEventListener("abort", leave, { once: true });
      this.result.then(resolve, reject).finally(() => {
        this.joiners.delete(joiner);
        signal?.removeEventListener("abort", leave);
      });
    });
  }

  /** The work's own outcome (for bookkeeping: whether to keep it as the active load). */
  settled(): Promise<T> {
    return this.result;
  }
}
