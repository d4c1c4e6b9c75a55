// The option and event types of ModelClient: Model's own options plus what only a client has (an AbortSignal
// and onProgress, which stay on the page), and the events every client of a worker hears.
import type { BackendInfo } from "../backend";
import type { BundleProgress } from "../bundle/fetch-files";
import type { ModelError } from "../errors";
import type { LoadedModel, WorkerInstallOptions, WorkerLoadOptions } from "./protocol";
import type { WorkerError } from "./worker-error";

/** Events of a {@link ModelClient} (every client of a worker hears them). */
export interface ModelClientEvents {
  backend: BackendInfo;
  warning: ModelError;
  update: { readonly from: string | undefined; readonly to: string };
  /** The worker's active model changed (load, install, rollback). */
  model: LoadedModel<ModelError>;
  /** The worker crashed; waiting requests rejected with this error. */
  crash: WorkerError;
}

/** Options of {@link ModelClient.load}. */
export interface ClientLoadOptions extends WorkerLoadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: BundleProgress) => void;
}

/** Options of {@link ModelClient.install} and {@link ModelClient.rollback}. */
export interface ClientInstallOptions extends WorkerInstallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: BundleProgress) => void;
}
