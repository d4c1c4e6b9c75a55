import { describe, expect, it } from "vitest";
import { ftsAllTermsQuery, ftsAnyTermQuery, searchTerms } from "./fts-query";

describe("FTS5 query building", () => {
  it.each([
    ["red apple", '"red" "apple"*'],
    ['apple" OR "dog', '"apple" "OR" "dog"*'],
    ["NEAR(a b)", '"NEAR" "a" "b"*'],
    ["col:value*", '"col" "value"*'],
    ["'; DROP TABLE x; --", '"DROP" "TABLE" "x"*'],
    ["crème brûlée", '"crème" "brûlée"*'],
  ])("quotes every term of %j", (input, expected) => {
    expect(ftsAllTermsQuery(input)).toBe(expected);
  });

  it("returns null when nothing is searchable", () => {
    expect(ftsAllTermsQuery('"*:()-^')).toBeNull();
    expect(ftsAnyTermQuery("a b c")).toBeNull();
  });

  it("joins words of three or more letters with OR for shared-word matching", () => {
    expect(ftsAnyTermQuery("a red apple")).toBe('"red" OR "apple"');
  });

  it("caps the number of terms", () => {
    expect(searchTerms("a b c d e f g h i j k")).toHaveLength(8);
  });
});
