import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "../src/crypto/base64url";
import { signTask, type TaskClaims } from "../src/tasks/task-token";
import { expectApiError, get, newContributor, postJson } from "./helpers/api";
import { importSeedDataset } from "./helpers/seed-dataset";
import { expectStoreUnchanged } from "./helpers/store-snapshot";

interface IssuedTask {
  task: {
    id: string;
    kind: string;
    model_version: string | null;
    prompt: { image?: { sha256: string; concept: string }; caption?: { id: string; text: string } };
    candidates: { id: string; caption?: { text: string }; image?: { sha256: string; concept: string } }[];
  };
  token: string;
}

let contributor: { id: string; token: string };

async function nextTask(
  query = "kind=caption-for-image&k=4",
  token = contributor.token,
): Promise<IssuedTask> {
  const res = await get(`/v1/tasks/next?${query}`, token);
  expect(res.status).toBe(200);
  return (await res.json()) as IssuedTask;
}

function answer(task: IssuedTask, choice: string, token = contributor.token, tokenOverride?: string) {
  return postJson(`/v1/tasks/${task.task.id}/answer`, { token: tokenOverride ?? task.token, choice }, token);
}

async function truePairs(sha256: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    "SELECT CAST(p.caption_id AS TEXT) AS id FROM pairs p JOIN images i ON i.id = p.image_id WHERE i.concept = (SELECT concept FROM images WHERE sha256 = ?)",
  )
    .bind(sha256)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

beforeAll(async () => {
  await importSeedDataset();
  contributor = await newContributor();
});

describe("GET /v1/tasks/next", () => {
  it("issues an image with k captions: exactly one a true pair, the others not of its concept", async () => {
    for (let round = 0; round < 5; round++) {
      const { task } = await nextTask();
      expect(task.kind).toBe("caption-for-image");
      expect(task.model_version).toBeNull();
      expect(task.candidates.length).toBe(4);
      expect(new Set(task.candidates.map((candidate) => candidate.id)).size).toBe(4);
      const own = await truePairs(task.prompt.image!.sha256);
      const trueOnes = task.candidates.filter((candidate) => own.includes(candidate.id));
      expect(trueOnes.length).toBe(1);
    }
  });

  it("issues a caption with k images: exactly one paired with it, no other of the same concept", async () => {
    for (let round = 0; round < 5; round++) {
      const { task } = await nextTask("kind=image-for-caption&k=3");
      expect(task.candidates.length).toBe(3);
      const { results } = await env.DB.prepare(
        "SELECT i.sha256 FROM pairs p JOIN images i ON i.id = p.image_id WHERE p.caption_id = ?",
      )
        .bind(Number(task.prompt.caption!.id))
        .all<{ sha256: string }>();
      const paired = results.map((row) => row.sha256);
      const matches = task.candidates.filter((candidate) => paired.includes(candidate.id));
      expect(matches.length).toBe(1);
      const concepts = task.candidates.map((candidate) => candidate.image!.concept);
      expect(new Set(concepts).size).toBe(3);
    }
  });

  it("draws negatives that share the category or a word with the true caption", async () => {
    for (let round = 0; round < 5; round++) {
      const { task } = await nextTask();
      const own = await truePairs(task.prompt.image!.sha256);
      const truth = task.candidates.find((candidate) => own.includes(candidate.id))!;
      const words = new Set(truth.caption!.text.split(" ").filter((word) => word.length >= 3));
      const category = await env.DB.prepare("SELECT category FROM images WHERE sha256 = ?")
        .bind(task.prompt.image!.sha256)
        .first<{ category: string }>();
      for (const candidate of task.candidates.filter((item) => item !== truth)) {
        const row = await env.DB.prepare(
          "SELECT count(*) AS n FROM pairs p JOIN images i ON i.id = p.image_id WHERE p.caption_id = ? AND i.category = ?",
        )
          .bind(Number(candidate.id), category!.category)
          .first<{ n: number }>();
        const sharesWord = candidate.caption!.text.split(" ").some((word) => words.has(word));
        expect((row?.n ?? 0) > 0 || sharesWord, candidate.caption!.text).toBe(true);
      }
    }
  });

  it("needs a contributor token and validates kind and k", async () => {
    await expectApiError(await get("/v1/tasks/next"), 401, "unauthorized");
    await expectApiError(await get("/v1/tasks/next?kind=other", contributor.token), 400, "invalid_query");
    await expectApiError(await get("/v1/tasks/next?k=1", contributor.token), 400, "invalid_query");
    await expectApiError(await get("/v1/tasks/next?k=9", contributor.token), 400, "invalid_query");
  });
});

describe("POST /v1/tasks/:id/answer", () => {
  it("records a positive for the choice and explicit negatives for the others", async () => {
    const issued = await nextTask();
    const own = await truePairs(issued.task.prompt.image!.sha256);
    const choice = issued.task.candidates.find((candidate) => own.includes(candidate.id))!.id;
    const res = await answer(issued, choice);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ task_id: issued.task.id, choice, judgments: 4 });
    const { results } = await env.DB.prepare(
      "SELECT CAST(caption_id AS TEXT) AS caption, verdict, contributor_id, model_version FROM judgments WHERE task_id = ? ORDER BY caption_id",
    )
      .bind(issued.task.id)
      .all();
    expect(results.length).toBe(4);
    for (const row of results) {
      expect(row.verdict).toBe(row.caption === choice ? "positive" : "negative");
      expect(row.contributor_id).toBe(contributor.id);
      expect(row.model_version).toBeNull();
    }
  });

  it('records only negatives for "none"', async () => {
    const issued = await nextTask();
    expect((await answer(issued, "none")).status).toBe(201);
    const row = await env.DB.prepare(
      "SELECT count(*) AS n, sum(verdict = 'negative') AS negatives FROM judgments WHERE task_id = ?",
    )
      .bind(issued.task.id)
      .first();
    expect(row).toEqual({ n: 4, negatives: 4 });
  });

  it("adds a pending task pair when the chosen pairing was not known", async () => {
    const issued = await nextTask();
    const own = await truePairs(issued.task.prompt.image!.sha256);
    const wrong = issued.task.candidates.find((candidate) => !own.includes(candidate.id))!.id;
    expect((await answer(issued, wrong)).status).toBe(201);
    const pair = await env.DB.prepare(
      "SELECT p.origin, p.status FROM pairs p JOIN images i ON i.id = p.image_id WHERE i.sha256 = ? AND p.caption_id = ?",
    )
      .bind(issued.task.prompt.image!.sha256, Number(wrong))
      .first();
    expect(pair).toEqual({ origin: "task", status: "pending" });
  });

  it("refuses an answer to a task that was never issued (forged signature)", async () => {
    const issued = await nextTask();
    const claims: TaskClaims = {
      v: 1,
      id: crypto.randomUUID(),
      kind: "caption-for-image",
      sub: contributor.id,
      prompt: issued.task.prompt.image!.sha256,
      candidates: issued.task.candidates.map((candidate) => candidate.id),
      mv: null,
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const forged = await signTask(claims, "not-the-server-key");
    await expectStoreUnchanged(async () => {
      const res = await postJson(
        `/v1/tasks/${claims.id}/answer`,
        { token: forged, choice: "none" },
        contributor.token,
      );
      await expectApiError(res, 403, "task_signature_invalid");
    });
  });

  it("refuses a tampered task: candidates swapped in the signed claims", async () => {
    const issued = await nextTask();
    const [payload, mac] = issued.token.split(".");
    const claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(payload!)!)) as TaskClaims;
    claims.candidates[0] = "999999";
    const tampered = `${encodeBase64Url(new TextEncoder().encode(JSON.stringify(claims)))}.${mac}`;
    await expectStoreUnchanged(async () => {
      await expectApiError(
        await answer(issued, "999999", contributor.token, tampered),
        403,
        "task_signature_invalid",
      );
      await expectApiError(
        await answer(issued, "none", contributor.token, "garbage"),
        403,
        "task_signature_invalid",
      );
    });
  });

  it("refuses an answer under another task id or by another contributor", async () => {
    const issued = await nextTask();
    const other = await newContributor();
    await expectStoreUnchanged(async () => {
      const res = await postJson(
        `/v1/tasks/${crypto.randomUUID()}/answer`,
        { token: issued.token, choice: "none" },
        contributor.token,
      );
      await expectApiError(res, 403, "task_mismatch");
      await expectApiError(await answer(issued, "none", other.token), 403, "task_not_yours");
    });
  });

  it("refuses an expired task", async () => {
    const issued = await nextTask();
    const [payload] = issued.token.split(".");
    const claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(payload!)!)) as TaskClaims;
    const expired = await signTask(
      { ...claims, exp: Math.floor(Date.now() / 1000) - 1 },
      env.TASK_SIGNING_KEY,
    );
    await expectStoreUnchanged(async () => {
      await expectApiError(await answer(issued, "none", contributor.token, expired), 410, "task_expired");
    });
  });

  it("refuses a second answer to the same task and keeps the first", async () => {
    const issued = await nextTask();
    expect((await answer(issued, "none")).status).toBe(201);
    await expectStoreUnchanged(async () => {
      await expectApiError(await answer(issued, issued.task.candidates[0]!.id), 409, "task_already_answered");
    });
    const concurrent = await nextTask();
    const both = await Promise.all([answer(concurrent, "none"), answer(concurrent, "none")]);
    expect(both.map((res) => res.status).sort()).toEqual([201, 409]);
  });

  it("refuses a choice that is not a candidate, and malformed bodies", async () => {
    const issued = await nextTask();
    await expectStoreUnchanged(async () => {
      await expectApiError(await answer(issued, "999999"), 422, "invalid_choice");
      await expectApiError(await answer(issued, "' OR 1=1 --"), 422, "invalid_choice");
      await expectApiError(
        await postJson(`/v1/tasks/${issued.task.id}/answer`, { choice: "none" }, contributor.token),
        422,
        "invalid_body",
      );
      await expectApiError(
        await postJson(
          `/v1/tasks/not-a-uuid/answer`,
          { token: issued.token, choice: "none" },
          contributor.token,
        ),
        400,
        "invalid_param",
      );
      await expectApiError(
        await postJson(`/v1/tasks/${issued.task.id}/answer`, { token: issued.token, choice: "none" }),
        401,
        "unauthorized",
      );
    });
  });
});
