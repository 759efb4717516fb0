/**
 * Which CockroachDB majors were supported on the date below, from Cockroach Labs' release data
 * (cockroachdb/docs src/current/_data/versions.csv, read 2026-12): the last day of assistance
 * support (of LTS support where a major has an LTS series). A topology that names an older or
 * an unknown major fails unless it sets `cockroach.allowUnsupportedVersion: true`.
 */
export const RELEASES_KNOWN_AS_OF = "2026-12-01";

/** Major -> last supported day. v26.3 and v26.4 follow the quarterly cadence (not yet in the data read). */
const SUPPORTED_UNTIL: Readonly<Record<string, string>> = {
  "24.1": "2026-10-21",
  "24.2": "2025-02-12",
  "24.3": "2027-05-05",
  "25.1": "2025-08-18",
  "25.2": "2027-12-17",
  "25.3": "2026-02-04",
  "25.4": "2027-05-03",
  "26.1": "2026-08-02",
  "26.2": "2027-10-27",
  "26.3": "2027-02-03",
  "26.4": "2028-05-03",
};

/** A release tag as Cockroach Labs publishes images: vYY.R.P, optionally -alpha/-beta/-rc.N. */
export const RELEASE_TAG = /^v(\d{2})\.(\d)\.(\d{1,3})(?:-(?:alpha|beta|rc)\.\d{1,3})?$/;

/** The supported majors on `date` (YYYY-MM-DD), oldest first. */
export function supportedMajors(date: string = RELEASES_KNOWN_AS_OF): string[] {
  return Object.entries(SUPPORTED_UNTIL)
    .filter(([, until]) => until >= date)
    .map(([major]) => major);
}

/**
 * The fix for a CockroachDB image tag that is not a supported release, or undefined when it is.
 * `tag` undefined (a digest only) names no version and passes.
 */
export function cockroachReleaseFix(tag: string | undefined, date: string = RELEASES_KNOWN_AS_OF): string | undefined {
  if (tag === undefined) return undefined;
  const supported = supportedMajors(date);
  const hatch = "or set cockroach.allowUnsupportedVersion: true if you know better";
  const match = RELEASE_TAG.exec(tag);
  if (!match) {
    return `The tag "${tag}" is not a CockroachDB release; use one such as "v${supported[supported.length - 1]}.0" (vYY.R.PATCH), ${hatch}.`;
  }
  const major = `${Number(match[1])}.${match[2]}`;
  const until = SUPPORTED_UNTIL[major];
  const oldest = Object.keys(SUPPORTED_UNTIL)[0];
  if (until === undefined && Number(major) < Number(oldest)) {
    return `v${major} is out of support (older than v${oldest}); use a supported major (${supported.map((m) => `v${m}`).join(", ")}), ${hatch}.`;
  }
  if (until === undefined) {
    return `v${major} is not a CockroachDB release known on ${date} (the newest is v${supported[supported.length - 1]}); use a supported major (${supported.map((m) => `v${m}`).join(", ")}), ${hatch}.`;
  }
  if (until < date) {
    return `v${major} is out of support since ${until}; use a supported major (${supported.map((m) => `v${m}`).join(", ")}), ${hatch}.`;
  }
  return undefined;
}
