// The worker's active model, swapped atomically: an operation takes the model that is active when it starts
// and finishes on it; a swap (install, rollback, another source) makes the next operation use the new one;
// the old model's sessions are released once the last operation that holds it has finished.
import { ModelError } from "../errors";
import type { Model } from "../model";

interface Held {
  readonly model: Model;
  users: number;
  retired: boolean;
}

/** Holds the active model; see the file header. */
export class ModelSlot<Info> {
  private held: Held | undefined;
  private info: Info | undefined;

  /** What was recorded with the active model (e.g. its version), or undefined before the first load. */
  get active(): Info | undefined {
    return this.info;
  }

  /** Runs `operation` on the model active now, keeping it alive until the operation settles. */
  async use<R>(operation: (model: Model) => Promise<R>): Promise<R> {
    const held = this.held;
    if (!held) {
      throw new ModelError(
        "No model is loaded in the model worker yet. Call client.load({ api, channel }) or client.load({ url }) first.",
      );
    }
    held.users++;
    try {
      return await operation(held.model);
    } finally {
      held.users--;
      if (held.retired && held.users === 0) void release(held.model);
    }
  }

  /** Makes `model` active; the one before is released when its last operation finishes. */
  swap(model: Model, info: Info): void {
    const old = this.held;
    this.held = { model, users: 0, retired: false };
    this.info = info;
    if (!old || old.model === model) return;
    old.retired = true;
    if (old.users === 0) void release(old.model);
  }
}

async function release(model: Model): Promise<void> {
  await model.dispose().catch(() => undefined);
}
