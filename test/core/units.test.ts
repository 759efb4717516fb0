import { ConfigError } from "../../lib/core/validation";
import { checkDuration, goDuration, parseByteQuantity, parseMemoryBytes, parseStorageBytes } from "../../lib/core/units";

const range = { min: 2, max: 1440 };

describe("durations in construct props: whole numbers, the unit in the prop's name", () => {
  test("a whole number within the range is returned as is", () => {
    expect(checkDuration("timeoutMinutes", 2, "minutes", range)).toBe(2);
    expect(checkDuration("timeoutMinutes", 1440, "minutes", range)).toBe(1440);
    expect(checkDuration("earlyRenewalHours", 0, "hours", { min: 0, max: 10 })).toBe(0);
  });

  test.each([
    ["below the range", 1],
    ["negative", -5],
    ["above the range", 1441],
    ["fractional", 2.5],
    ["beyond exact integers", 2 ** 53],
    ["infinite", Infinity],
    ["not a number", NaN],
  ])("%s: the message names the prop, the value and the range with its unit", (_label, value) => {
    expect(() => checkDuration("timeoutMinutes", value, "minutes", range)).toThrow(ConfigError);
    expect(() => checkDuration("timeoutMinutes", value, "minutes", range)).toThrow(
      `timeoutMinutes: invalid value ${Number.isFinite(value) ? JSON.stringify(value) : String(value)}. Use a whole number of minutes between 2 and 1440.`,
    );
  });

  test("a duration string (the old convention, or a caller in plain JavaScript) is converted in the fix", () => {
    const asString = (value: string) => value as unknown as number;
    expect(() => checkDuration("readyTimeoutMinutes", asString("10m"), "minutes", range)).toThrow(
      'readyTimeoutMinutes: invalid value "10m". Use a whole number of minutes between 2 and 1440; the unit is in the name, so give a number: "10m" is 10.',
    );
    expect(() => checkDuration("validityHours", asString("90d"), "hours", { min: 24, max: 87600 })).toThrow('"90d" is 2160.');
    expect(() => checkDuration("intervalSeconds", asString("1m30s"), "seconds", { min: 1, max: 300 })).toThrow('"1m30s" is 90.');
    // A number in a string is still the wrong type, and a bad unit gets no conversion.
    for (const bad of ["20", "5 parsecs", "1w", ""]) {
      expect(() => checkDuration("timeoutMinutes", asString(bad), "minutes", range)).toThrow(
        `timeoutMinutes: invalid value ${JSON.stringify(bad)}. Use a whole number of minutes between 2 and 1440; the unit is in the name, so give a number, not a string.`,
      );
    }
  });

  test("the reason for a range is part of the fix", () => {
    expect(() => checkDuration("timeoutMinutes", 1, "minutes", { ...range, why: "the Job needs a minute to start" })).toThrow(
      "Use a whole number of minutes between 2 and 1440 (the Job needs a minute to start).",
    );
  });

  test("Go durations for Terraform timeouts, Skupper and Prometheus", () => {
    expect(goDuration(90, "seconds")).toBe("90s");
    expect(goDuration(20, "minutes")).toBe("20m");
    expect(goDuration(2160, "hours")).toBe("2160h");
    expect(goDuration(30, "days")).toBe("720h");
  });
});

describe("sizes in construct props: Kubernetes quantities", () => {
  test("binary and decimal suffixes, fractions, bare bytes", () => {
    expect(parseStorageBytes("storageSize", "100Gi")).toBe(100 * 2 ** 30);
    expect(parseStorageBytes("storageSize", "2Ti")).toBe(2 * 2 ** 40);
    expect(parseMemoryBytes("memory", "8Gi")).toBe(8 * 2 ** 30);
    expect(parseMemoryBytes("memory", "4G")).toBe(4e9);
    expect(parseMemoryBytes("memory", "1.5Gi")).toBe(1.5 * 2 ** 30);
    expect(parseMemoryBytes("memory", "512")).toBe(512);
  });

  test.each(["8 GB", "28GB", "-1Gi", "0", "Gi", "8gi", "100Zi", "1e3Gi"])("bad unit or sign %j: the fix shows a quantity and the suffixes", (bad) => {
    expect(() => parseStorageBytes("storageSize", bad)).toThrow(
      `storageSize: invalid value ${JSON.stringify(bad)}. Use a positive Kubernetes storage quantity such as "100Gi" (Ki, Mi, Gi, Ti: powers of 1024; k, M, G, T: of 1000).`,
    );
    expect(() => parseMemoryBytes("memory", bad)).toThrow(`memory: invalid value ${JSON.stringify(bad)}. Use a positive Kubernetes memory quantity such as "8Gi"`);
  });

  test("overflow: a size past exact integers is refused", () => {
    expect(() => parseByteQuantity("storageSize", "99999999Pi", "storage", "100Gi")).toThrow('storageSize: invalid value "99999999Pi".');
  });

  test("a number (GiB meant) is refused with the quantity it should have been", () => {
    const asNumber = 100 as unknown as string;
    expect(() => parseStorageBytes("storageSize", asNumber)).toThrow('storageSize: invalid value 100. Use a positive Kubernetes storage quantity such as "100Gi" (Ki, Mi, Gi, Ti: powers of 1024; k, M, G, T: of 1000); sizes are strings with a unit, e.g. "100Gi".');
  });
});
