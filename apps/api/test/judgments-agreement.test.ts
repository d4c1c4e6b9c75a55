// Judgments become training negatives only under the agreement rule (two agreeing contributors, or a
// moderator), the export carries the votes and the rule, and GET /v1/contributors/me/agreement says how often
// a person's verdicts match others'. Several people answer the same task: the API's own task, re-signed for
// each of them with the test signing key, and answered through the real route.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeBase64Url } from "../src/crypto/base64url";
import { signTask, type TaskClaims } from "../src/tasks/task-token";
import { ADMIN_TOKEN, callWithEnv, expectApiError, get, newContributor, postJson } from "./helpers/api";
import { importSeedDataset } from "./helpers/seed-dataset";
import { expectStoreUnchanged } from "./helpers/store-snapshot";

interface Negative {
  caption_id: string;
  negative_votes: number;
  positive_votes: number;
  rule: string;
}
interface PairLine {
  type: "pair";
  pair_id: string;
  image: { sha256: string };
  caption: { id: string };
  negatives: Negative[];
  positive_votes: number;
  negative_votes: number;
}

type Person = { id: string; token: string };
let claims: TaskClaims;
let truth = "";
let wrong: string[] = [];

async function answerAs(person: Person, choice: string): Promise<void> {
  const mine = { ...claims, id: crypto.randomUUID(), sub: person.id };
  const token = await signTask(mine, env.TASK_SIGNING_KEY);
  const res = await postJson(`/v1/tasks/${mine.id}/answer`, { token, choice }, person.token);
  expect(res.status).toBe(201);
}

async function pairsOfPrompt(vars: Record<string, string> = {}): Promise<PairLine[]> {
  const res = await callWithEnv(new Request("http://api.test/v1/export?limit=5000"), { ...env, ...vars });
  expect(res.status).toBe(200);
  const lines = (await res.text())
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as PairLine);
  return lines.filter((line) => line.type === "pair" && line.image.sha256 === claims.prompt);
}

async function agreement(person: Person) {
  const res = await get("/v1/contributors/me/agreement", person.token);
  expect(res.status).toBe(200);
  return res.json();
}

const people: Person[] = [];

beforeAll(async () => {
  await importSeedDataset();
  for (let i = 0; i < 4; i++) people.push(await newContributor());
  const issued = (await (await get("/v1/tasks/next?k=4", people[0]!.token)).json()) as { token: string };
  claims = JSON.parse(new TextDecoder().decode(decodeBase64Url(issued.token.split(".")[0]!)!)) as TaskClaims;
  const own = await env.DB.prepare(
    "SELECT CAST(p.caption_id AS TEXT) AS id FROM pairs p JOIN images i ON i.id = p.image_id WHERE i.sha256 = ?",
  )
    .bind(claims.prompt)
    .all<{ id: string }>();
  truth = claims.candidates.find((id) => own.results.some((row) => row.id === id))!;
  wrong = claims.candidates.filter((id) => id !== truth);
});

describe("the agreement rule", () => {
  it("does not make one contributor's verdicts training negatives", async () => {
    await answerAs(people[0]!, truth);
    const pairs = await pairsOfPrompt();
    expect(pairs.length).toBeGreaterThan(0);
    expect(pairs.every((pair) => pair.negatives.length === 0)).toBe(true);
    expect(pairs.find((pair) => pair.caption.id === truth)?.positive_votes).toBe(1);
  });

  it("makes them negatives once a second contributor agrees, with the votes and the rule", async () => {
    await answerAs(people[1]!, truth);
    const pairs = await pairsOfPrompt();
    for (const pair of pairs) {
      expect(pair.negatives.map((n) => n.caption_id).sort()).toEqual([...wrong].sort());
      expect(pair.negatives.every((n) => n.negative_votes === 2 && n.positive_votes === 0)).toBe(true);
      expect(pair.negatives.every((n) => n.rule === "agreement")).toBe(true);
    }
    expect(pairs.find((pair) => pair.caption.id === truth)).toMatchObject({
      positive_votes: 2,
      negative_votes: 0,
    });
    // Two people, the same four verdicts: each agrees with the other every time.
    expect(await agreement(people[0]!)).toEqual({
      answers: 1,
      judgments: 4,
      compared: 4,
      agreed: 4,
      agreement: 1,
    });
  });

  it("counts a contributor once however often they vote, and needs more negative than positive votes", async () => {
    const [first] = wrong;
    await answerAs(people[2]!, first!); // positive for `first`, negative for the truth
    let negatives = (await pairsOfPrompt())[0]!.negatives;
    expect(negatives.find((n) => n.caption_id === first)).toMatchObject({
      negative_votes: 2,
      positive_votes: 1,
    });
    await answerAs(people[3]!, first!);
    await answerAs(people[3]!, first!);
    negatives = (await pairsOfPrompt())[0]!.negatives;
    expect(negatives.map((n) => n.caption_id)).not.toContain(first);
    expect(negatives.length).toBe(wrong.length - 1);
  });

  it("makes a moderator's rejection of a task's pair a negative, when the environment says so", async () => {
    const [first] = wrong;
    const pairId = (await env.DB.prepare(
      `SELECT CAST(p.id AS TEXT) AS id FROM pairs p JOIN images i ON i.id = p.image_id
       WHERE i.sha256 = ? AND p.caption_id = ? AND p.origin = 'task'`,
    )
      .bind(claims.prompt, Number(first))
      .first<{ id: string }>())!.id;
    await postJson(`/v1/admin/pairs/${pairId}/moderation`, { status: "rejected" }, ADMIN_TOKEN);
    const negatives = (await pairsOfPrompt())[0]!.negatives;
    expect(negatives.find((n) => n.caption_id === first)).toMatchObject({
      negative_votes: 2,
      positive_votes: 2,
      rule: "moderator",
    });
    const strict = (
      await pairsOfPrompt({ NEGATIVE_FROM_MODERATOR: "false", NEGATIVE_MIN_AGREEING: "5" })
    )[0]!;
    expect(strict.negatives.map((n) => n.caption_id)).toEqual([]);
  });

  it("answers 500 config_invalid, as JSON, when the environment's rule is malformed", async () => {
    for (const vars of [{ NEGATIVE_MIN_AGREEING: "two" }, { NEGATIVE_FROM_MODERATOR: "yes" }]) {
      const res = await callWithEnv(new Request("http://api.test/v1/export"), { ...env, ...vars });
      await expectApiError(res, 500, "config_invalid");
    }
  });
});

describe("GET /v1/contributors/me/agreement", () => {
  it("counts answers and how many verdicts matched at least half of the others'", async () => {
    // Two of four now chose the truth and two a wrong caption: on those two captions each side has one ally
    // among three others; on the other two captions everyone agrees.
    expect(await agreement(people[0]!)).toEqual({
      answers: 1,
      judgments: 4,
      compared: 4,
      agreed: 2,
      agreement: 0.5,
    });
    expect(await agreement(people[2]!)).toEqual({
      answers: 1,
      judgments: 4,
      compared: 4,
      agreed: 2,
      agreement: 0.5,
    });
    expect(await agreement(people[3]!)).toEqual({
      answers: 2,
      judgments: 8,
      compared: 8,
      agreed: 4,
      agreement: 0.5,
    });
    const newcomer = await newContributor();
    expect(await agreement(newcomer)).toEqual({
      answers: 0,
      judgments: 0,
      compared: 0,
      agreed: 0,
      agreement: null,
    });
  });

  it("needs a contributor token", async () => {
    await expectStoreUnchanged(async () => {
      await expectApiError(await get("/v1/contributors/me/agreement"), 401, "unauthorized");
      await expectApiError(
        await get("/v1/contributors/me/agreement", "cst_BBBBBBBBBBBBBBBBBBBBBBBB"),
        401,
        "unauthorized",
      );
    });
  });
});
