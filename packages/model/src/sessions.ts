// The ONNX sessions of one bundle, created lazily (a page that only searches never loads the generator) and
// recreated after a backend fallback, since sessions of a lost WebGPU device cannot run any more.
import { createSession, getBackend, type BackendInfo, type ModelSession } from "./backend";
import type { ModelBundle } from "./bundle/bundle";
import type { BundleRole } from "./bundle/manifest";
import { BundleFormatError } from "./errors";

/** Graph roles that have sessions. */
export type GraphRole = Extract<
  BundleRole,
  "vq-encoder" | "vq-decoder" | "gpt-step" | "clip-text" | "clip-image"
>;

/** Outputs each graph keeps on the GPU under WebGPU: the KV cache goes straight back in (IO binding). */
const GPU_OUTPUTS: Partial<Record<GraphRole, readonly string[]>> = {
  "gpt-step": ["k_cache_out", "v_cache_out"],
};

/** Lazily created sessions for a bundle. */
export class Sessions {
  private readonly sessions = new Map<GraphRole, { epoch: number; session: Promise<ModelSession> }>();

  constructor(private readonly bundle: ModelBundle) {}

  /** The session for `role` on the current backend (created once; again after a fallback). */
  async get(role: GraphRole): Promise<ModelSession> {
    const backend = await getBackend();
    // No await between this check and the set below: concurrent callers share one creation.
    const existing = this.sessions.get(role);
    if (existing && existing.epoch === backend.epoch) return existing.session;
    if (existing) void existing.session.then((s) => s.release()).catch(() => undefined);
    const file = this.bundle.files.get(role);
    if (!file) throw new BundleFormatError(`the bundle's ${role} file`, "missing", "an ONNX graph");
    const session = createSession(file.bytes, { label: role, gpuOutputs: GPU_OUTPUTS[role] ?? [] });
    this.sessions.set(role, { epoch: backend.epoch, session });
    session.catch(() => this.sessions.get(role)?.session === session && this.sessions.delete(role));
    return session;
  }

  /** The backend the next session would use. */
  backend(): Promise<BackendInfo> {
    return getBackend();
  }

  /** Releases every session. */
  async release(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (s) => (await s.session.catch(() => undefined))?.release()));
  }
}
