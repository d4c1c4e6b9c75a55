import { describe, expect, it } from "vitest";
import { categoryWords, iconNameWords, splitWords } from "./icon-name";

describe("icon names", () => {
  it.each([
    ["add-bell-notification-flat", ["add", "bell", "notification"]],
    ["diploma-2", ["diploma"]],
    ["1st-place", ["1st", "place"]],
    ["clock-2-oclock", ["clock", "2", "oclock"]],
    ["flat", ["flat"]],
  ])("keeps caption words of %s", (name, words) => {
    expect(iconNameWords(name, { styleSuffixes: ["flat"] }).caption).toEqual(words);
  });

  it("splits camel case and separators", () => {
    expect(splitWords("InterfaceEssential")).toEqual(["interface", "essential"]);
    expect(splitWords("HTMLFive_logo-2")).toEqual(["html", "five", "logo", "2"]);
  });

  it("turns categories into plain words", () => {
    expect(categoryWords("FoodDrink")).toBe("food drink");
    expect(categoryWords("food-fruit")).toBe("food fruit");
  });
});
