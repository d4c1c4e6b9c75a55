// Node entry of @commonspace/model: everything of the browser entry, plus the filesystem cache and bundles
// loaded from a folder (e.g. the committed models/default). The same wasm backend runs underneath.
export * from "./index";
export { createFileCache } from "./node/file-cache";
export { defaultCacheDir } from "./node/cache-dir";
export { loadBundleFromDirectory } from "./node/directory";
