// Words from icon names ("add-bell-notification-flat", "FoodDrink") for captions and concept keys.

/** Options of {@link iconNameWords}. */
export interface IconNameOptions {
  /** Icon set prefix, removed when a name starts with it (e.g. `fluent-color`). */
  prefix?: string;
  /** Style suffix words removed from the end of names, e.g. `flat`, `duo` (the set's `suffixes` keys). */
  styleSuffixes?: readonly string[];
}

/** Words of an icon name: `caption` keeps inner numbers, `concept` drops every purely numeric word. */
export interface IconNameWords {
  caption: string[];
  concept: string[];
}

/** Splits camelCase and any non-alphanumeric separator into lower-case words. */
export function splitWords(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== "");
}

const isNumeric = (word: string): boolean => /^\d+$/.test(word);

/**
 * Words of an icon name with the set prefix, trailing size/variant numbers (`-16`, `-2`) and trailing
 * style suffixes (`-flat`) removed: `add-bell-notification-flat` gives `add bell notification`.
 */
export function iconNameWords(name: string, options: IconNameOptions = {}): IconNameWords {
  const all = splitWords(name);
  let words = all;
  const prefix = options.prefix ? splitWords(options.prefix) : [];
  if (prefix.length > 0 && prefix.length < words.length && prefix.every((p, i) => words[i] === p)) {
    words = words.slice(prefix.length);
  }
  const suffixes = new Set((options.styleSuffixes ?? []).map((s) => s.toLowerCase()));
  let end = words.length;
  while (end > 1 && (isNumeric(words[end - 1] ?? "") || suffixes.has(words[end - 1] ?? ""))) end--;
  const caption = words.slice(0, end);
  const concept = caption.filter((w) => !isNumeric(w));
  return { caption, concept: concept.length > 0 ? concept : caption.length > 0 ? caption : all };
}

/** A category name such as `FoodDrink` or `food-fruit` as plain words: `food drink`, `food fruit`. */
export function categoryWords(category: string): string {
  return splitWords(category).join(" ");
}
