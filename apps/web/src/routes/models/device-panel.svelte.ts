// The "on this device" half of the Models page: the versions the device holds, the browser's storage figures,
// and the actions (check, install, roll back, clear, switch channel) with the one message each leaves behind.
// The work itself is the device model's ($lib/device-model.svelte); this keeps what the page shows about it.
import type { CachedVersion } from "@commonspace/model/client";
import type { DeviceChannel, DeviceModel } from "$lib/device-model.svelte";

/** What the browser says about this origin's storage. */
export interface StorageView {
  readonly usage: number | undefined;
  readonly quota: number | undefined;
  readonly persisted: boolean | undefined;
}

/** The last action's outcome, shown under the buttons. */
export interface ActionMessage {
  readonly kind: "ok" | "error";
  readonly text: string;
}

/** State of the device panel. */
export class DevicePanel {
  cached: CachedVersion[] = $state([]);
  storage: StorageView = $state({ usage: undefined, quota: undefined, persisted: undefined });
  busy: "check" | "install" | "rollback" | "clear" | "channel" | undefined = $state();
  message: ActionMessage | undefined = $state();

  constructor(readonly device: DeviceModel) {}

  get previous(): CachedVersion | undefined {
    return this.cached.find((v) => v.slot === "previous");
  }

  /** Loads the device's model (cached, or a first download) and reads what is cached. */
  async open(): Promise<void> {
    await this.act("check", async () => {
      await this.device.ready();
      await this.device.checkForUpdate();
      return undefined;
    });
  }

  /** Re-reads the cached versions and the storage estimate. */
  async refresh(): Promise<void> {
    this.cached = await this.device.versions().catch(() => []);
    const storage = navigator.storage;
    const estimate = await storage?.estimate?.().catch(() => undefined);
    const persisted = await storage?.persisted?.().catch(() => undefined);
    this.storage = { usage: estimate?.usage, quota: estimate?.quota, persisted };
  }

  check(): Promise<void> {
    return this.act("check", async () => {
      const update = await this.device.checkForUpdate();
      if (this.device.refusedUpdate) throw new Error(this.device.refusedUpdate);
      if (this.device.unreachable)
        throw new Error(`Cannot reach the API to check for updates: ${this.device.unreachable}`);
      return update ? undefined : `No newer version on ${this.device.channel}.`;
    });
  }

  install(): Promise<void> {
    return this.act("install", async () => {
      const loaded = await this.device.install();
      return `Installed and verified ${loaded.version}; Generate uses it now.`;
    });
  }

  rollback(): Promise<void> {
    return this.act("rollback", async () => {
      const loaded = await this.device.rollback();
      return `Back to ${loaded.version}, from this device's cache.`;
    });
  }

  clear(): Promise<void> {
    return this.act("clear", async () => {
      await this.device.clear();
      return "Cache cleared: the next use downloads the model again.";
    });
  }

  setChannel(channel: DeviceChannel): Promise<void> {
    return this.act("channel", async () => {
      await this.device.setChannel(channel);
      return `This device now follows ${channel}.`;
    });
  }

  /** Asks the browser to keep this origin's storage (the model) under storage pressure. */
  async persist(): Promise<void> {
    const granted = await navigator.storage?.persist?.().catch(() => false);
    this.message = granted
      ? { kind: "ok", text: "The browser will keep the model even when space runs low." }
      : { kind: "error", text: "The browser did not grant persistent storage (it decides by site engagement)." };
    await this.refresh();
  }

  private async act(kind: NonNullable<DevicePanel["busy"]>, run: () => Promise<string | undefined>) {
    if (this.busy) return;
    this.busy = kind;
    this.message = undefined;
    try {
      const text = await run();
      if (text) this.message = { kind: "ok", text };
    } catch (error) {
      this.message = { kind: "error", text: error instanceof Error ? error.message : String(error) };
    } finally {
      this.busy = undefined;
      await this.refresh();
    }
  }
}
