"""Merged concepts and the train / validation / test split (issue #14, training/README.md "Concepts and splits").

The seed's concept keys say what an image depicts within one naming scheme: `emoji:<code points>` for emoji in any
style, `name:<words>` for icons. The two schemes never meet, so the icon "robot" and the emoji 🤖 ("robot") were
two concepts and could fall on both sides of a split. Here every concept gets a *merged* key, the normalised form
of its name, and the split is a hash of that merged key:

    name      `name:` keys: their words; `emoji:` keys: the canonical caption (first caption, the CLDR name)
    normalise NFKC, lower case, `&` -> and, punctuation as spaces; skin-tone phrases dropped; a leading gender
              word (man, woman, person, ...) dropped when words remain; stop words (a, an, the, of, with, for,
              and) dropped; trailing spelled numbers (icon-park's `pie-three`) dropped when words remain, except after
              digit / number / keycap / dice; each
              word singularised (`footprints` -> footprint, `berries` -> berry); words sorted.
    split     sha256("split:" + merged key) as a fraction in [0, 1): < test -> test, < test + validation ->
              validation, else train. Stable as data grows: a new image of a known concept joins its split.
    leak rule a validation or test concept whose merged key equals the normalised form of any caption the trainer
              sees on a training image (caption variants included) moves to train, repeated until none is left:
              its name was already taught, so it cannot measure generalisation to a new name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SPLITS = ("train", "validation", "test")
SPLIT_ID = {s: i for i, s in enumerate(SPLITS)}
_SKIN = re.compile(r"\b(?:(?:medium )?(?:light|dark) |medium )?skin tones?\b")
_GENDER = {"man", "woman", "men", "women", "person", "people", "male", "female"}
_STOP = {"a", "an", "the", "of", "with", "for", "and"}
_NUMBER_WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
_COUNTED = {"digit", "number", "keycap", "dice", "die"}  # here the number is the meaning, not a variant
_KEEP_S = ("ss", "us", "is", "ous")


def singular(word: str) -> str:
    """A plural's singular by suffix rules; short words and -ss/-us/-is words stay as they are."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(_KEEP_S):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    return word[:-1]


def normalise(text: str) -> str:
    """The comparison form of a name or caption: 'Flag: Canada' -> 'canada flag', 'man farmer' -> 'farmer'."""
    t = unicodedata.normalize("NFKC", text).lower().replace("&", " and ").replace("’", "").replace("'", "")
    t = re.sub(r"[^\w\s]|_", " ", t)
    t = _SKIN.sub(" ", t)
    words = [w for w in t.split() if w not in _STOP]
    if len(words) > 1 and words[0] in _GENDER:
        words = words[1:]
    while len(words) > 1 and words[-1] in _NUMBER_WORDS and words[-2] not in _COUNTED:
        words = words[:-1]
    return " ".join(sorted(singular(w) for w in words))


def concept_name(concept: str | None, canonical_caption: str) -> str:
    """What a concept is called: the words of a `name:` key, else its images' canonical caption (contributions
    carry no concept key, so a contributed "red apple" joins the concept named "red apple")."""
    concept = concept or ""
    return concept[len("name:"):] if concept.startswith("name:") else canonical_caption


def merged_key(concept: str | None, canonical_caption: str) -> str:
    key = normalise(concept_name(concept, canonical_caption))
    return key or concept or canonical_caption  # nothing left after normalising: stays its own concept


def split_of(key: str, validation: float, test: float) -> str:
    u = int(hashlib.sha256(f"split:{key}".encode()).hexdigest()[:13], 16) / 16**13
    return "test" if u < test else "validation" if u < test + validation else "train"


def assign_splits(entries: list[dict], captions: list[list[str]], validation: float, test: float) -> dict:
    """Merged key and split of every image. `entries`: images with `concept` and `captions` (first = canonical);
    `captions[i]`: every caption text the trainer will use for image i (its variants).

    Returns {"merged": [key per image], "split": {key: split}, "moved": [keys the leak rule moved to train]}.
    """
    merged = [merged_key(e["concept"], e["captions"][0]) for e in entries]
    split = {k: split_of(k, validation, test) for k in sorted(set(merged))}
    texts: dict[str, set[str]] = {}
    for k, caps in zip(merged, captions):
        texts.setdefault(k, set()).update(normalise(c) for c in caps)
    taught = set().union(*(texts[k] for k, s in split.items() if s == "train")) if split else set()
    moved: list[str] = []
    while True:  # moving a concept to train teaches its captions too, so repeat until nothing moves
        leak = sorted(k for k, s in split.items() if s != "train" and k in taught)
        if not leak:
            break
        for k in leak:
            split[k] = "train"
            taught |= texts[k]
        moved += leak
    return {"merged": merged, "split": split, "moved": moved}


def leaked_queries(queries: list[str], train_captions: set[str], normalised: bool = False) -> list[str]:
    """Held-out query captions that are word for word (lower case) a training caption; with `normalised`, equal
    after `normalise`. The issue's measure of cross-source duplicates."""
    if normalised:
        taught = {normalise(c) for c in train_captions}
        return [q for q in queries if normalise(q) in taught]
    taught = {c.lower().strip() for c in train_captions}
    return [q for q in queries if q.lower().strip() in taught]
