import { describe, expect, it } from "vitest";
import { ifRangeAllows, strongEtag } from "./etag";

describe("entity tags", () => {
  const etag = strongEtag("ab12");

  it("quotes a strong tag", () => {
    expect(etag).toBe('"ab12"');
  });

  it("honours a Range only when If-Range is absent or the exact strong tag", () => {
    expect(ifRangeAllows(null, etag)).toBe(true);
    expect(ifRangeAllows('"ab12"', etag)).toBe(true);
    expect(ifRangeAllows('W/"ab12"', etag)).toBe(false);
    expect(ifRangeAllows('"zz"', etag)).toBe(false);
    expect(ifRangeAllows("Wed, 21 Oct 2015 07:28:00 GMT", etag)).toBe(false);
  });
});
