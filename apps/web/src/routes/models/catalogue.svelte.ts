// What the API publishes, for the Models page: the channels and every version of the app's model, newest
// first, each with its card metrics, date, size and sample grid (read from its signed manifest). Reading the
// catalogue downloads no weights; installing is the device's business (`$lib/device-model.svelte`).
import type { ApiClient } from "$lib/api";

/** The model the app follows. */
export const MODEL_NAME = "default";
/** The release channels a device may follow. */
export const CHANNELS = ["stable", "beta"] as const;
export type Channel = (typeof CHANNELS)[number];

/** One published version. */
export interface CatalogueVersion {
  readonly version: string;
  readonly created: string;
  /** Channels pointing at it now. */
  readonly channels: readonly string[];
  readonly metrics: Readonly<Record<string, unknown>>;
  /** Bytes of every file the version lists (all precisions). */
  readonly bytes: number;
  /** URL of its sample grid, when it has one. */
  readonly samplesUrl: string | undefined;
  readonly keyId: string;
}

interface ManifestFileView {
  readonly role: string;
  readonly bytes: number;
  readonly url: string;
}

/** The catalogue, re-readable; fields are reactive. */
export class Catalogue {
  state: "loading" | "ready" | "error" = $state("loading");
  error: string | undefined = $state();
  channels: { channel: string; version: string | null }[] = $state([]);
  versions: CatalogueVersion[] = $state([]);

  constructor(
    private readonly client: ApiClient,
    private readonly apiUrl: string,
  ) {}

  /** Reads channels and versions (and each version's manifest for its files). Never throws. */
  async refresh(): Promise<void> {
    this.state = "loading";
    this.error = undefined;
    try {
      const [channels, versions] = await Promise.all([this.readChannels(), this.readVersions()]);
      this.channels = channels;
      this.versions = versions;
      this.state = "ready";
    } catch (error) {
      this.error = `Cannot read the published models from ${this.apiUrl}: ${messageOf(error)}`;
      this.state = "error";
    }
  }

  private async readChannels() {
    const res = await this.client.v1.models.channels.$get();
    if (!res.ok) throw new Error(`HTTP ${res.status} for the channel list`);
    const body = await res.json();
    return body.channels
      .filter((c) => c.model === null || c.model === MODEL_NAME)
      .map((c) => ({ channel: c.channel, version: c.version }));
  }

  private async readVersions(): Promise<CatalogueVersion[]> {
    const res = await this.client.v1.models.versions.$get({ query: { model: MODEL_NAME } });
    if (!res.ok) throw new Error(`HTTP ${res.status} for the version list`);
    const { versions } = await res.json();
    return Promise.all(
      versions.map(async (v) => {
        const files = await this.readFiles(v.version);
        const samples = files.find((f) => f.role === "samples");
        return {
          version: v.version,
          created: v.created,
          channels: v.channels,
          metrics: v.metrics,
          bytes: files.reduce((n, f) => n + f.bytes, 0),
          samplesUrl: samples ? `${this.apiUrl}${samples.url}` : undefined,
          keyId: v.key_id,
        };
      }),
    );
  }

  /** The files of a version's manifest (for sizes and the sample grid; the device verifies before it installs). */
  private async readFiles(version: string): Promise<readonly ManifestFileView[]> {
    const res = await this.client.v1.models.versions[":name"][":version"].$get({
      param: { name: MODEL_NAME, version },
    });
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${MODEL_NAME}@${version}`);
    const envelope = (await res.json()) as { manifest?: { files?: ManifestFileView[] } };
    return envelope.manifest?.files ?? [];
  }
}

/** The metrics the page shows, in order, with labels and formats. */
export const SHOWN_METRICS: readonly { key: string; label: string; format: (v: number) => string }[] = [
  { key: "gen_r_precision", label: "Generation R-precision", format: (v) => v.toFixed(3) },
  { key: "real_r_precision", label: "Real-image ceiling", format: (v) => v.toFixed(3) },
  { key: "clip_t2i_recall_at_5", label: "CLIP text→image R@5", format: (v) => `${(v * 100).toFixed(1)} %` },
  { key: "vq_psnr_db", label: "VQ PSNR", format: (v) => `${v.toFixed(1)} dB` },
  { key: "caption_accuracy", label: "Captioning top-1", format: (v) => `${(v * 100).toFixed(0)} %` },
];

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
