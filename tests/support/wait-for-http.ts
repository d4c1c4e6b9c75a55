/** Polls a URL until it answers, for servers the tests start. */
import { ProcessFailedError, type ProcessGroup } from "./process-group";

/** Options for {@link waitForHttp}. */
export interface WaitForHttpOptions {
  /** Give up after this many milliseconds (default 90 s: the shared test machine is slow). */
  timeoutMs?: number;
  /** Stop waiting early, with its output in the error, if this process exits. */
  process?: ProcessGroup;
}

/** Resolves once `url` answers with a 2xx status; throws with the last failure otherwise. */
export async function waitForHttp(url: string, options: WaitForHttpOptions = {}): Promise<void> {
  const { timeoutMs = 90_000, process: group } = options;
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  // Bounded by the deadline; each attempt by its own 3 s timeout.
  while (Date.now() < deadline) {
    if (group?.hasExited()) {
      throw new ProcessFailedError(`${group.name} exited before ${url} answered:\n${group.output()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const tail = group ? `\n${group.name} output:\n${group.output()}` : "";
  throw new Error(`${url} did not answer within ${timeoutMs} ms (last: ${last}).${tail}`);
}
