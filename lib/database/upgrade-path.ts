/**
 * CockroachDB's upgrade rules as pure functions. Major versions are `YY.R` (v26.2.7 is major
 * 26.2). Since v24.1 they alternate between Regular releases, which every upgrade must pass
 * through, and Innovation releases, which may be skipped: from a Regular release a cluster may
 * move to the next major or, skipping an Innovation release, to the one after; from an
 * Innovation release only to the next (Regular) one. Before v24.1 every major was required.
 * (CockroachDB docs: "Upgrade CockroachDB self-hosted", "CockroachDB Releases".)
 */
import { SemVer, parse } from "semver";
import { fail } from "../core/validation";

export interface CockroachMajor {
  readonly year: number;
  readonly release: number;
}

/** Majors per year: v23.1-v23.2, v24.1-v24.3, four a year from 2025. */
function releasesIn(year: number): number {
  if (year <= 23) return 2;
  return year === 24 ? 3 : 4;
}

export function majorName(m: CockroachMajor): string {
  return `${m.year}.${m.release}`;
}

function previousMajor(m: CockroachMajor): CockroachMajor {
  return m.release > 1 ? { year: m.year, release: m.release - 1 } : { year: m.year - 1, release: releasesIn(m.year - 1) };
}

/** Steps from v24.1, the first release of the alternation (negative before it). */
function stepsFrom24_1(m: CockroachMajor): number {
  if (m.year < 24) return -1;
  let steps = m.release - 1;
  for (let year = 24; year < m.year; year++) steps += releasesIn(year);
  return steps;
}

/** v24.1 is Regular, v24.2 Innovation, v24.3 Regular, v25.1 Innovation, ... */
export function isInnovationRelease(m: CockroachMajor): boolean {
  const steps = stepsFrom24_1(m);
  return steps >= 0 && steps % 2 === 1;
}

/**
 * The version in an image reference's tag (`cockroachdb/cockroach:v26.2.7`, a digest may
 * follow), or undefined for a digest-only reference, which names no version.
 */
export function cockroachImageVersion(field: string, image: string): SemVer | undefined {
  const withoutDigest = image.split("@")[0];
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  if (colon <= slash) return undefined;
  const tag = withoutDigest.slice(colon + 1);
  const version = parse(tag.replace(/^v/, ""));
  if (!version || !/^v/.test(tag)) {
    fail(field, image, 'Tag the image with the CockroachDB release it holds, such as "cockroachdb/cockroach:v26.2.7" (a digest may follow); the upgrade checks read the version from it.');
  }
  return version;
}

export function majorOf(version: SemVer): CockroachMajor {
  return { year: version.major, release: version.minor };
}

/** The majors a cluster may run when it is moved to `target` in one step, `target` itself first. */
export function upgradeSources(target: CockroachMajor): CockroachMajor[] {
  const previous = previousMajor(target);
  const sources = [target, previous];
  const beforePrevious = previousMajor(previous);
  if (isInnovationRelease(previous) && stepsFrom24_1(beforePrevious) >= 0) sources.push(beforePrevious);
  return sources;
}

/**
 * Fails unless a cluster running `from` may be moved to `to` directly: the same major (patch
 * releases of a major are interchangeable, up or down), the next major, or the one after when
 * the skipped one is an Innovation release. A downgrade to an older major is refused (after
 * finalizing it is impossible; before, roll back by restoring the previous image instead).
 */
export function checkUpgradePath(field: string, from: SemVer, to: SemVer): void {
  const fromMajor = majorOf(from);
  const toMajor = majorOf(to);
  if (upgradeSources(toMajor).some((m) => m.year === fromMajor.year && m.release === fromMajor.release)) return;
  if (from.compare(to) > 0) {
    fail(field, to.version, `The cluster runs v${from.version}: moving it to an older major version (${majorName(toMajor)}) is not possible. Keep v${majorName(fromMajor)}.x.`);
  }
  fail(
    field,
    to.version,
    `The cluster runs v${from.version}; v${majorName(fromMajor)} cannot be upgraded to v${majorName(toMajor)} directly (only to the next major, or past an Innovation release to the one after). Upgrade through ${upgradeStops(fromMajor, toMajor).map((m) => `v${m}`).join(", then ")}.`,
  );
}

/** The majors to upgrade through, one deploy each: every Regular release, and Innovation releases only where they cannot be skipped. */
export function upgradeStops(from: CockroachMajor, to: CockroachMajor): string[] {
  const path: CockroachMajor[] = [];
  for (let m = to; !(m.year === from.year && m.release === from.release) && path.length < 40; m = previousMajor(m)) path.unshift(m);
  const stops: string[] = [];
  let current = from;
  for (let i = 0; i < path.length; i++) {
    const skip = i + 1 < path.length && isInnovationRelease(path[i]) && upgradeSources(path[i + 1]).some((m) => m.year === current.year && m.release === current.release);
    if (skip) continue;
    stops.push(majorName(path[i]));
    current = path[i];
  }
  return stops;
}
