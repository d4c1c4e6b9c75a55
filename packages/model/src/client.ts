// Public API of "@commonspace/model/client": what a page needs to use the model worker, and nothing that loads
// onnxruntime-web (pages never run a session: the worker does). The client, its options and results, the
// named errors (re-created on this side with their fields), and the plain image and PNG helpers.
export { ModelClient } from "./worker/model-client";
export type { ClientInstallOptions, ClientLoadOptions, ModelClientEvents } from "./worker/model-client";
export { createModelClient, createModelWorker, getModelClient } from "./worker/create-client";
export type { ModelClientOptions } from "./worker/create-client";
export type {
  IndexEntry,
  IndexKey,
  LoadedModel,
  MessageEndpoint,
  OpenedDatasetIndex,
  WorkerInstallOptions,
  WorkerLoadOptions,
  WorkerModelSource,
  WorkerSettings,
  WorkerStoreSource,
} from "./worker/protocol";
export { WorkerError } from "./worker/worker-error";
export { DATASET_INDEX_NAME } from "./worker/protocol";
export type { DatasetCluster, DatasetIndex } from "./dataset-index/index-format";
export type { ExplainOptions, Explanation, WordHeat } from "./explain";
export {
  BackendError,
  BundleFormatError,
  CancelledError,
  DownloadError,
  ImageFormatError,
  IntegrityError,
  ModelError,
  ModelOptionError,
  ModeUnavailableError,
  NoPreviousVersionError,
  QuotaError,
  SignatureError,
} from "./errors";
export type { BackendInfo, BackendName, BackendSelfCheck } from "./backend";
export type { BundleProgress } from "./bundle/fetch-files";
export type { ModelCard } from "./bundle/card";
export type { CachedVersion, SignedBy, UpdateCheck, UpdateMode, UpdateStatus } from "./bundle/model-store";
export type { Candidate, GenerateOptions, GenerateProgress, Generation } from "./generate";
export type { CaptionOptions } from "./caption";
export { GENERATION_MODES } from "./bundle/card-maskgit";
export type { GenerationMode, MaskgitCard, MaskgitSampling } from "./bundle/card-maskgit";
export type { Ranked } from "./rank";
export type { Neighbour } from "./embedding-index";
export { createImage, imageGrid, scaleImage } from "./image";
export type { RgbaImage } from "./image";
export { decodePng, encodePng } from "./png";
