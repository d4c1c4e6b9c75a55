// The Iconify sets used for seeding and how each is read. Every other set in @iconify/json is reserved
// for held-out evaluation (ARCHITECTURE.md): never add one here without moving it out of that pool.

/** How one `@iconify-json/<set>` package is turned into candidates. */
export interface IconifySetConfig {
  /** Set prefix, also the package name after `@iconify-json/`. */
  prefix: string;
  /** Emoji sets map icon names to emoji concepts; other sets get `name:` concepts. */
  emoji?: {
    /** Name suffixes of skin-tone variants; such a name is skipped when its base name exists. */
    skinToneSuffix: RegExp;
    /** Names squash words together (`bouquetofflowers`): split them with the emoji vocabulary. */
    squashedNames?: boolean;
    /** Misspellings in names, fixed before matching and splitting. */
    respell?: Readonly<Record<string, string>>;
    /** Plain words the emoji vocabulary lacks, added so squashed names containing them split well. */
    extraWords?: readonly string[];
  };
  /** Categories (from metadata.json) left out entirely, e.g. trademarked logos. */
  excludeCategories?: readonly string[];
  /** Icon names left out, e.g. trademarked logos in sets without a logo category. */
  excludeNames?: readonly string[];
  /** Names end in a design size (`-16`, `-20`, ...): keep only the largest size of each icon. */
  largestSizeOnly?: boolean;
}

const FLUENT_TONE = /-(?:light|medium-light|medium|medium-dark|dark)$/;
const EMOJIONE_TONE = /-(?:light|medium-light|medium|medium-dark|dark)-skin-tone$/;

/** The seed's Iconify sets, in build order. */
export const ICONIFY_SETS: readonly IconifySetConfig[] = [
  { prefix: "fluent-emoji", emoji: { skinToneSuffix: FLUENT_TONE } },
  { prefix: "emojione", emoji: { skinToneSuffix: EMOJIONE_TONE }, excludeCategories: ["Modifiers"] },
  {
    prefix: "fxemoji",
    emoji: {
      skinToneSuffix: /$^/,
      squashedNames: true,
      respell: {
        exclaimation: "exclamation",
        dissapointed: "disappointed",
        perservere: "persevere",
        hampster: "hamster",
        saggitarius: "sagittarius",
        trisngle: "triangle",
        manltepiece: "mantelpiece",
        captial: "capital",
        ballott: "ballot",
        asterix: "asterisk",
        baloon: "balloon",
        cjkunifiedideograph: "cjk unified ideograph ",
      },
      extraWords: [
        "balloon",
        "below",
        "cartridge",
        "modem",
        "mood",
        "notched",
        "overlap",
        "piracy",
        "portable",
        "tokyo",
        "wired",
      ],
    },
  },
  { prefix: "icon-park", excludeCategories: ["Brand"] },
  { prefix: "fluent-color", largestSizeOnly: true },
  {
    prefix: "flat-color-icons",
    excludeNames: [
      "android-os",
      "bbc",
      "debian",
      "dribbble",
      "google",
      "icons8-cup",
      "linux",
      "reddit",
      "steam",
      "stumbleupon",
      "vlc",
      "wikipedia",
    ],
  },
  { prefix: "marketeq" },
  { prefix: "streamline-color" },
  { prefix: "streamline-flex-color" },
  { prefix: "streamline-plump-color" },
  { prefix: "streamline-sharp-color" },
  { prefix: "streamline-ultimate-color", excludeCategories: ["Logos"] },
  { prefix: "streamline-freehand-color" },
  { prefix: "streamline-kameleon-color" },
  { prefix: "streamline-cyber-color" },
  { prefix: "streamline-stickies-color" },
];
