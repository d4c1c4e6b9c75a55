// The one error of the worker layer itself: the model worker is gone (it failed to start, crashed, or was
// terminated), so requests still waiting for it cannot be answered.
import { ModelError } from "../errors";

/** The model worker crashed, failed to start or was terminated; the request that was waiting is lost. */
export class WorkerError extends ModelError {
  override readonly name = "WorkerError";
  constructor(
    /** What happened, e.g. "crashed: Uncaught RangeError: …" or "was terminated". */
    readonly detail: string,
    /** Whether the next call starts a new worker (only when the client created the worker itself). */
    readonly restarts: boolean,
  ) {
    super(
      `The model worker ${detail}. ` +
        (restarts
          ? "The next call starts a new worker and loads the model again."
          : "Create a new client (createModelClient) with a new Worker to go on."),
    );
  }
}
