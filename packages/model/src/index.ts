// Public API of @commonspace/model (browser-safe: no Node built-ins). Node-only parts — the filesystem cache,
// bundles from a folder, the CLI — are in "@commonspace/model/node".
export { describeWasmThreads, env, resolveWasmThreads } from "./env";
export type { BackendPreference, ModelEnv, ThreadScope, WasmThreads } from "./env";
export { getBackend, onBackendChange, fallBackToWasm, resetBackend } from "./backend";
export type { BackendInfo, BackendName, BackendSelfCheck } from "./backend";
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
export { loadModel } from "./load-model";
export type { LoadModelOptions, ModelSource } from "./load-model";
export { Model, createModel } from "./model";
export type { ModelEvents } from "./model";
export type { Candidate, GenerateOptions, GenerateProgress, Generation } from "./generate";
export type { CaptionOptions } from "./caption";
export { CANDIDATE_TEMPERATURE, MAX_CAPTION_CANDIDATES } from "./caption-candidates";
export { CAPTION_CHOICE_TEMPERATURE } from "./masked";
export { maskedAfterStep } from "./masked-decoding";
export { GENERATION_MODES } from "./bundle/card-maskgit";
export type {
  GenerationMode,
  GeneratorCard,
  MaskgitCard,
  MaskgitCondition,
  MaskgitSampling,
} from "./bundle/card-maskgit";
export type { Ranked } from "./rank";
export { createEmbeddingIndex } from "./embedding-index";
export { captionWords, explainCaption } from "./explain";
export type { Embedder, ExplainOptions, Explanation, WordHeat } from "./explain";
export {
  DATASET_INDEX_FORMAT,
  decodeEmbeddings,
  encodeEmbeddings,
  parseDatasetIndex,
} from "./dataset-index/index-format";
export type { DatasetCluster, DatasetIndex } from "./dataset-index/index-format";
export { DATASET_ROLES, NoDatasetIndexError, openDatasetIndex } from "./dataset-index/open-index";
export type { OpenedIndex, OpenIndexOptions } from "./dataset-index/open-index";
export type { EmbeddingIndex, Neighbour } from "./embedding-index";
export { createImage, imageGrid, scaleImage } from "./image";
export type { RgbaImage } from "./image";
export { decodePng, encodePng, MAX_PNG_SIDE } from "./png";
export type { EncodePngOptions } from "./png";
export { createRng } from "./rng";
export type { Rng } from "./rng";
export { argmax, guideLogits, logProbability, sampleLogits } from "./sampling";
export type { SamplingOptions } from "./sampling";
export { ModelStore } from "./bundle/model-store";
export type {
  CachedVersion,
  ModelStoreEvents,
  ModelStoreOptions,
  SignedBy,
  StoreInstallOptions,
  StoreLoadOptions,
  StoreLoadResult,
  UpdateCheck,
  UpdateMode,
  UpdateStatus,
} from "./bundle/model-store";
export type { BundleProgress } from "./bundle/fetch-files";
export { createMemoryCache } from "./bundle/cache";
export type { BlobCache } from "./bundle/cache";
export { createCacheApiCache } from "./bundle/cache-api";
export { loadBundleFromUrl, loadBundleByCard } from "./bundle/card-bundle";
export type { CardBundleOptions } from "./bundle/card-bundle";
export {
  assembleBundle,
  LOADED_ROLES,
  OPTIONAL_ROLES,
  precisionPreference,
  RUNTIME_ROLES,
} from "./bundle/bundle";
export type { BundleFile, ModelBundle } from "./bundle/bundle";
export { parseCard, BUNDLE_FORMAT } from "./bundle/card";
export type { ModelCard } from "./bundle/card";
export {
  canonicalJson,
  canonicalJsonBytes,
  DEV_MANIFEST_KEY,
  MANIFEST_FORMAT,
  PRODUCTION_MANIFEST_KEYS,
  REVOKED_KEY_IDS,
} from "@commonspace/manifest";
export type {
  BundleRole,
  JsonValue,
  Manifest,
  ManifestFile,
  Precision,
  SignedManifest,
  TrustedKey,
} from "@commonspace/manifest";
export { verifyManifest } from "./bundle/signature";
export type { VerifiedManifest } from "./bundle/signature";
export { defaultTrustedKeys } from "./bundle/keys";
export { checkStorage } from "./bundle/storage";
export type { StorageStatus } from "./bundle/storage";
// The model in a dedicated worker (src/worker/): the page's shared client, or one of your own.
export { createModelClient, createModelWorker, getModelClient } from "./worker/create-client";
export type { ModelClientOptions } from "./worker/create-client";
export { ModelClient } from "./worker/model-client";
export type { ClientInstallOptions, ClientLoadOptions, ModelClientEvents } from "./worker/model-client";
export { ModelWorkerHandler } from "./worker/handler";
export { WorkerError } from "./worker/worker-error";
export { DATASET_INDEX_NAME } from "./worker/protocol";
export { SELF_CHECK_TOLERANCE } from "./worker/self-check";
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
