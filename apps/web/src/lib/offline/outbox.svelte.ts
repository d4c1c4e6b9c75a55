// The write queue as the pages see it: how many writes wait, which the API refused, whether the browser is
// online; and the rule that sends waiting writes when the network returns (the `online` event), when a page
// starts, and every 30 s while something waits (a flaky network may never fire `online`).
import type { QueuedWrite, WriteQueue } from "./write-queue";

/** How often to retry while writes wait (ms). */
export const RETRY_MS = 30_000;

/** Reactive view of a {@link WriteQueue}; call `start()` once per page. */
export class Outbox {
  waiting = $state(0);
  refused: QueuedWrite[] = $state([]);
  online = $state(true);

  constructor(readonly queue: WriteQueue) {}

  /** Re-reads the queue (it calls this itself after every change it makes). */
  async refresh(): Promise<void> {
    const writes = await this.queue.list();
    this.waiting = writes.filter((w) => w.state === "waiting").length;
    this.refused = writes.filter((w) => w.state === "refused");
  }

  /** Follows the network and sends what waits; returns the function that stops it. */
  start(): () => void {
    this.online = navigator.onLine;
    const flush = () => void this.queue.flush().then(() => this.refresh());
    const online = () => {
      this.online = true;
      flush();
    };
    const offline = () => (this.online = false);
    addEventListener("online", online);
    addEventListener("offline", offline);
    const timer = setInterval(() => this.waiting > 0 && flush(), RETRY_MS);
    flush();
    return () => {
      removeEventListener("online", online);
      removeEventListener("offline", offline);
      clearInterval(timer);
    };
  }
}
