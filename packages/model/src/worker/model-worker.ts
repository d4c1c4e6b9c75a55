// The model worker's entry: a dedicated (module) Worker that owns onnxruntime, the caches and the loaded model
// for the whole page, serving the protocol of protocol.ts on its own global scope. Create it with
// `new Worker(new URL("./model-worker.ts", import.meta.url), { type: "module" })` (getModelClient does), or in
// Vite with `import ModelWorker from "@commonspace/model/worker?worker"`.
import { ModelWorkerHandler } from "./handler";
import type { MessageEndpoint } from "./protocol";

new ModelWorkerHandler().connect(globalThis as unknown as MessageEndpoint);
