import { describe, expect, test } from "vitest";
import type { Model } from "../model";
import { ModelSlot } from "./model-slot";

function fakeModel(name: string): Model & { disposed: boolean } {
  const model = { name, disposed: false, dispose: async () => void (model.disposed = true) };
  return model as unknown as Model & { disposed: boolean };
}

describe("ModelSlot", () => {
  test("an operation under way keeps the old model; the next gets the new one; the old is released after", async () => {
    const slot = new ModelSlot<string>();
    const [v1, v2] = [fakeModel("v1"), fakeModel("v2")];
    slot.swap(v1, "v1");
    let finish!: () => void;
    const running = slot.use(
      (m) => new Promise<string>((r) => (finish = () => r((m as unknown as { name: string }).name))),
    );
    slot.swap(v2, "v2");
    expect(slot.active).toBe("v2");
    expect(await slot.use(async (m) => (m as unknown as { name: string }).name)).toBe("v2");
    expect(v1.disposed).toBe(false);
    finish();
    expect(await running).toBe("v1");
    await Promise.resolve();
    expect([v1.disposed, v2.disposed]).toEqual([true, false]);
  });

  test("says how to load a model when none is", async () => {
    await expect(new ModelSlot().use(async () => 1)).rejects.toThrow(
      /Call client\.load\(\{ api, channel \}\)/,
    );
  });
});
