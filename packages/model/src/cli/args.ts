// Command-line arguments of `commonspace`, parsed with node:util's parseArgs and checked into typed options.
import { parseArgs } from "node:util";
import { isPrecision, type Precision } from "@commonspace/manifest";
import { precisionPreference } from "../bundle/bundle";
import { ModelOptionError } from "../errors";

/** Usage text. */
export const USAGE = `Usage: commonspace <command> [options]

Commands:
  generate <caption>           generate images; writes a PNG grid (best CLIP score first)
  caption <image.png>          caption an image through the reverse stream
  rank <image.png> <caption>…  rank captions for an image by CLIP similarity
  info                         show the bundle, its card and the backend

Model source (default: models/default of this repository):
  --bundle <dir>               a bundle folder
  --api <url> [--channel stable|beta] [--cache <dir>]
                               a channel of the API: signed manifest, verified and cached downloads
  --precision <p,…>            file precisions to prefer, e.g. int8-weights (smallest download);
                               default fp16-weights, fp32, int8-weights, int8

generate options:
  --count <n>        candidates (default 8)       --seed <n>        seed (default random)
  --guidance <g>     CFG scale (card default)     --top-k <k>       top-k (card default)
  --top-p <p>        nucleus p (default 1)        --temperature <t> temperature (card default)
  --no-rerank        keep generation order        --out <file.png>  grid file (default generated.png)
  --scale <n>        pixel scale of the grid (default 4)
`;

/** Parsed command line. */
export interface CliArgs {
  command: string | undefined;
  positionals: string[];
  bundle: string | undefined;
  api: string | undefined;
  channel: string;
  cache: string | undefined;
  /** Precisions to prefer, best first (undefined: the runtime's default). */
  precisions: Precision[] | undefined;
  count: number;
  seed: number | undefined;
  guidance: number | undefined;
  topK: number | undefined;
  topP: number | undefined;
  temperature: number | undefined;
  rerank: boolean;
  out: string;
  scale: number;
  help: boolean;
}

/** Parses `argv` (without node and the script). @throws ModelOptionError or parseArgs' TypeError. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      bundle: { type: "string" },
      api: { type: "string" },
      channel: { type: "string", default: "stable" },
      cache: { type: "string" },
      precision: { type: "string" },
      count: { type: "string", default: "8" },
      seed: { type: "string" },
      guidance: { type: "string" },
      "top-k": { type: "string" },
      "top-p": { type: "string" },
      temperature: { type: "string" },
      "no-rerank": { type: "boolean", default: false },
      out: { type: "string", default: "generated.png" },
      scale: { type: "string", default: "4" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const number = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value))
      throw new ModelOptionError(`--${name}`, text, "a number");
    return value;
  };
  let precisions: Precision[] | undefined;
  if (values.precision !== undefined) {
    const given = values.precision.split(",").map((p) => p.trim());
    const bad = given.find((p) => !isPrecision(p));
    if (bad !== undefined || given.length === 0)
      throw new ModelOptionError(
        "--precision",
        bad ?? values.precision,
        "fp32, fp16, fp16-weights, int8 or int8-weights",
      );
    const first = given.filter(isPrecision);
    precisions = [...first, ...precisionPreference(false).filter((p) => !first.includes(p))];
  }
  if (values.bundle && values.api)
    throw new ModelOptionError("--bundle with --api", "both", "one model source");
  return {
    command: positionals[0],
    positionals: positionals.slice(1),
    bundle: values.bundle,
    api: values.api,
    channel: values.channel,
    cache: values.cache,
    precisions,
    count: number("count", values.count) as number,
    seed: number("seed", values.seed),
    guidance: number("guidance", values.guidance),
    topK: number("top-k", values["top-k"]),
    topP: number("top-p", values["top-p"]),
    temperature: number("temperature", values.temperature),
    rerank: !values["no-rerank"],
    out: values.out,
    scale: number("scale", values.scale) as number,
    help: values.help,
  };
}
