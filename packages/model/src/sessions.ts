// The ONNX sessions of one bundle, created lazily (a page that only searches never loads the generator) and
// recreated after a backend fallback, since sessions of a lost WebGPU device cannot run any more.
import type { BundleRole } from "@commonspace/manifest";
import { createSession, getBackend, type BackendInfo, type ModelSession } from "./backend";
import type { ModelBundle } from "./bundle/bundle";
import { BundleFormatError } from "./errors";
import { cacheSlots } from "./kv-stream";

/** Graph roles that have sessions. */
export type GraphRole = Extract<
  BundleRole,
  "vq-encoder" | "vq-decoder" | "gpt-step" | "clip-text" | "clip-image" | "maskgit"
>;

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
    // Under WebGPU the step graph's cache outputs stay on the GPU and go straight back in (IO binding).
    const gpuOutputs = role === "gpt-step" ? cacheSlots(this.bundle.card).map((s) => s.output) : [];
    const session = createSession(file.bytes, { label: role, gpuOutputs });
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
