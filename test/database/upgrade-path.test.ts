import { parse } from "semver";
import { checkUpgradePath, cockroachImageVersion, isInnovationRelease, upgradeSources, upgradeStops } from "../../lib/database/upgrade-path";

const v = (text: string) => parse(text)!;
const names = (list: { year: number; release: number }[]) => list.map((m) => `${m.year}.${m.release}`);

describe("CockroachDB upgrade rules", () => {
  test("Regular and Innovation releases alternate from v24.1", () => {
    const innovation = ["23.1", "23.2", "24.1", "24.2", "24.3", "25.1", "25.2", "25.3", "25.4", "26.1", "26.2"].filter((m) => {
      const [year, release] = m.split(".").map(Number);
      return isInnovationRelease({ year, release });
    });
    expect(innovation).toEqual(["24.2", "25.1", "25.3", "26.1"]);
  });

  test("a major is reached from itself, the previous major, or past a skipped Innovation release", () => {
    expect(names(upgradeSources({ year: 26, release: 2 }))).toEqual(["26.2", "26.1", "25.4"]);
    expect(names(upgradeSources({ year: 26, release: 1 }))).toEqual(["26.1", "25.4"]);
    expect(names(upgradeSources({ year: 25, release: 1 }))).toEqual(["25.1", "24.3"]);
    expect(names(upgradeSources({ year: 24, release: 3 }))).toEqual(["24.3", "24.2", "24.1"]);
    expect(names(upgradeSources({ year: 24, release: 1 }))).toEqual(["24.1", "23.2"]);
  });

  test.each([
    ["26.2.0", "26.2.7"],
    ["26.2.7", "26.2.3"],
    ["26.1.4", "26.2.0"],
    ["25.4.9", "26.2.7"],
    ["25.4.9", "26.1.2"],
  ])("%s -> %s is allowed", (from, to) => {
    expect(() => checkUpgradePath("cockroach.image", v(from), v(to))).not.toThrow();
  });

  test.each([
    ["25.2.3", "26.2.7", 'cockroach.image: invalid value "26.2.7". The cluster runs v25.2.3; v25.2 cannot be upgraded to v26.2 directly (only to the next major, or past an Innovation release to the one after). Upgrade through v25.4, then v26.2.'],
    ["25.3.1", "26.1.0", 'cockroach.image: invalid value "26.1.0". The cluster runs v25.3.1; v25.3 cannot be upgraded to v26.1 directly (only to the next major, or past an Innovation release to the one after). Upgrade through v25.4, then v26.1.'],
    ["26.2.7", "26.1.4", 'cockroach.image: invalid value "26.1.4". The cluster runs v26.2.7: moving it to an older major version (26.1) is not possible. Keep v26.2.x.'],
  ])("%s -> %s is refused", (from, to, message) => {
    expect(() => checkUpgradePath("cockroach.image", v(from), v(to))).toThrow(message);
  });

  test("stops of a long upgrade skip only Innovation releases", () => {
    expect(upgradeStops({ year: 24, release: 1 }, { year: 26, release: 2 })).toEqual(["24.3", "25.2", "25.4", "26.2"]);
  });

  test("the version comes from the image tag; a digest-only image names none", () => {
    expect(cockroachImageVersion("image", "cockroachdb/cockroach:v26.2.7")?.version).toBe("26.2.7");
    expect(cockroachImageVersion("image", `registry.example.com:5000/crdb/cockroach:v26.2.7@sha256:${"a".repeat(64)}`)?.version).toBe("26.2.7");
    expect(cockroachImageVersion("image", `cockroachdb/cockroach@sha256:${"a".repeat(64)}`)).toBeUndefined();
    expect(() => cockroachImageVersion("image", "cockroachdb/cockroach:stable")).toThrow('image: invalid value "cockroachdb/cockroach:stable". Tag the image with the CockroachDB release');
  });
});
