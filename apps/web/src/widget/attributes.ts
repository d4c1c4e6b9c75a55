// The widgets' attributes, read and checked in one place: what each accepts, its default, and an error whose
// message names the attribute, the value found, what is allowed and an example, so a host sees at once what
// to change. Pure functions (no DOM), tested in attributes.test.ts.

/** Release channels of the API (docs/manifest-format.md): the ones a widget may follow. */
export const CHANNELS = ["stable", "beta"] as const;
export type WidgetChannel = (typeof CHANNELS)[number];

/** Task kinds of `GET /v1/tasks/next` (docs/api.md). */
export const TASK_KINDS = ["caption-for-image", "image-for-caption"] as const;
export type WidgetTaskKind = (typeof TASK_KINDS)[number];

/** Images one generate widget asks for at most: a grid that still fits an embed (the model allows 64). */
export const MAX_COUNT = 16;
/** Default number of images. */
export const DEFAULT_COUNT = 4;
/** Caption length the API accepts (1–300 characters after normalisation). */
export const MAX_CAPTION = 300;
/** Largest guidance scale a widget sends (the model takes any number ≥ 0; past this images only degrade). */
export const MAX_GUIDANCE = 20;
/** Seeds are unsigned 32-bit integers, as on the Generate page. */
export const MAX_SEED = 2 ** 32 - 1;

/** An attribute (or the property behind it) holds a value the widget cannot use. */
export class WidgetAttributeError extends Error {
  override readonly name = "WidgetAttributeError";
  constructor(
    readonly attribute: string,
    readonly value: string | null,
    expected: string,
  ) {
    const found = value === null ? "missing" : `"${value}"`;
    super(`The ${attribute} attribute is ${found}; expected ${expected}.`);
  }
}

/** A generate widget's request, checked. */
export interface GenerateRequest {
  readonly caption: string;
  readonly count: number;
  /** undefined: a random seed per generation. */
  readonly seed: number | undefined;
  /** undefined: the model card's default. */
  readonly guidance: number | undefined;
  readonly channel: WidgetChannel;
  readonly api: string;
}

/** The attributes as the element holds them (null when absent). */
export interface GenerateAttributes {
  readonly caption: string | null;
  readonly count: string | null;
  readonly seed: string | null;
  readonly guidance: string | null;
  readonly channel: string | null;
  readonly api: string | null;
}

/** Checks everything but the caption (which a visitor may still be typing). @throws WidgetAttributeError */
export function parseGenerateSettings(attributes: GenerateAttributes, defaultApi: string) {
  return {
    count: parseCount(attributes.count),
    seed: parseSeed(attributes.seed),
    guidance: parseGuidance(attributes.guidance),
    channel: parseChannel(attributes.channel),
    api: parseApi(attributes.api, defaultApi),
  };
}

/** Checks every attribute of a generate widget. @throws WidgetAttributeError */
export function parseGenerateRequest(attributes: GenerateAttributes, defaultApi: string): GenerateRequest {
  return { caption: parseCaption(attributes.caption), ...parseGenerateSettings(attributes, defaultApi) };
}

/** A caption: trimmed, 1–300 characters. */
export function parseCaption(value: string | null): string {
  const caption = (value ?? "").replace(/\s+/g, " ").trim();
  if (caption.length === 0)
    throw new WidgetAttributeError("caption", value, 'a description of the image, e.g. caption="red apple"');
  if ([...caption].length > MAX_CAPTION)
    throw new WidgetAttributeError(
      "caption",
      `${caption.slice(0, 40)}…`,
      `at most ${MAX_CAPTION} characters`,
    );
  return caption;
}

/** Number of images: a whole number 1–16 (default 4). */
export function parseCount(value: string | null): number {
  if (value === null || value.trim() === "") return DEFAULT_COUNT;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT)
    throw new WidgetAttributeError("count", value, `a whole number from 1 to ${MAX_COUNT}, e.g. count="4"`);
  return count;
}

/** A seed: a whole number 0–4294967295, or absent for a random one. */
export function parseSeed(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)
    throw new WidgetAttributeError("seed", value, `a whole number from 0 to ${MAX_SEED}, e.g. seed="7"`);
  return seed;
}

/** Guidance scale: a number 0–20, or absent for the model's default. */
export function parseGuidance(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const guidance = Number(value);
  if (!Number.isFinite(guidance) || guidance < 0 || guidance > MAX_GUIDANCE)
    throw new WidgetAttributeError(
      "guidance",
      value,
      `a number from 0 to ${MAX_GUIDANCE}, e.g. guidance="3"`,
    );
  return guidance;
}

/** A release channel (default "stable"). */
export function parseChannel(value: string | null): WidgetChannel {
  if (value === null || value.trim() === "") return "stable";
  const channel = CHANNELS.find((c) => c === value.trim());
  if (!channel) throw new WidgetAttributeError("channel", value, `one of ${quoteAll(CHANNELS)}`);
  return channel;
}

/** A labelling task kind (default "caption-for-image"). */
export function parseTaskKind(value: string | null): WidgetTaskKind {
  if (value === null || value.trim() === "") return "caption-for-image";
  const kind = TASK_KINDS.find((k) => k === value.trim());
  if (!kind) throw new WidgetAttributeError("kind", value, `one of ${quoteAll(TASK_KINDS)}`);
  return kind;
}

/** The API's base URL (http or https), without a trailing slash; `fallback` when the attribute is absent. */
export function parseApi(value: string | null, fallback: string): string {
  const text = value === null || value.trim() === "" ? fallback : value.trim();
  const example = 'the Commonspace API\'s URL, e.g. api="https://api.commonspace.example"';
  if (text === "") throw new WidgetAttributeError("api", value, example);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WidgetAttributeError("api", value ?? text, example);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new WidgetAttributeError("api", value ?? text, `an http or https URL (${example})`);
  return url.href.replace(/\/+$/, "");
}

function quoteAll(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}
