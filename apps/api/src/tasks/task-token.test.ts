import { describe, expect, it } from "vitest";
import { signTask, verifyTask, type TaskClaims } from "./task-token";

const claims: TaskClaims = {
  v: 1,
  id: "9b2f6a1e-6d7c-4f3a-9a57-2b1d1f1c0e11",
  kind: "caption-for-image",
  sub: "ctb_someone",
  prompt: "a".repeat(64),
  candidates: ["1", "2", "3"],
  mv: null,
  exp: 2_000,
};
const expected = { taskId: claims.id, contributorId: claims.sub, nowSeconds: 1_000 };

describe("task tokens", () => {
  it("round-trip the claims", async () => {
    expect(await verifyTask(await signTask(claims, "k"), "k", expected)).toEqual(claims);
  });

  it("refuse another key, a changed payload and garbage", async () => {
    const token = await signTask(claims, "k");
    await expect(verifyTask(token, "other", expected)).rejects.toMatchObject({
      code: "task_signature_invalid",
    });
    const [, mac] = token.split(".");
    const altered = await signTask({ ...claims, candidates: ["1", "2", "4"] }, "k");
    await expect(verifyTask(`${altered.split(".")[0]}.${mac}`, "k", expected)).rejects.toMatchObject({
      status: 403,
    });
    for (const bad of ["", ".", "a.b.c", "!!!.???"]) {
      await expect(verifyTask(bad, "k", expected)).rejects.toMatchObject({ code: "task_signature_invalid" });
    }
  });

  it("refuse another task id, another contributor and an expired task", async () => {
    const token = await signTask(claims, "k");
    await expect(verifyTask(token, "k", { ...expected, taskId: "x" })).rejects.toMatchObject({
      code: "task_mismatch",
    });
    await expect(verifyTask(token, "k", { ...expected, contributorId: "ctb_x" })).rejects.toMatchObject({
      code: "task_not_yours",
    });
    await expect(verifyTask(token, "k", { ...expected, nowSeconds: 2_000 })).rejects.toMatchObject({
      status: 410,
      code: "task_expired",
    });
  });
});
