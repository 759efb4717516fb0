/**
 * The one convention for durations and sizes in construct props (README "Units in construct
 * props"). A duration is a whole number whose prop name ends in its unit (`timeoutMinutes`,
 * `validityHours`, `retentionDays`, `intervalSeconds`): TypeScript then rejects a string, the
 * unit shows at the call site, and the names match the topology file's (`retentionDays`,
 * `backupMaxAgeHours`). A size that goes into a Kubernetes object is a Kubernetes quantity
 * (`storageSize: "100Gi"`), as Kubernetes itself and the topology file write it; a cloud disk is
 * whole GiB in a prop ending in `Gb`, the number the cloud APIs take.
 */
import { describeValue, fail } from "./validation";

export type TimeUnit = "seconds" | "minutes" | "hours" | "days";

const SECONDS_PER: Readonly<Record<TimeUnit, number>> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/** The smallest and largest value a duration prop accepts, in its own unit, and why when it is not obvious. */
export interface DurationRange {
  readonly min: number;
  readonly max: number;
  /** Appended to the fix, e.g. "a Job that waits less cannot see a slow node start". */
  readonly why?: string;
}

/** A duration prop: a whole number of `unit` within `range`. `field` names the prop (or its topology path). */
export function checkDuration(field: string, value: number, unit: TimeUnit, range: DurationRange): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= range.min && value <= range.max) return value;
  let fix = `Use a whole number of ${unit} between ${range.min} and ${range.max}`;
  if (typeof value === "string") {
    const converted = durationStringIn(value, unit);
    fix +=
      converted === undefined
        ? `; the unit is in the name, so give a number, not a string`
        : `; the unit is in the name, so give a number: ${describeValue(value)} is ${converted}`;
  }
  fail(field, value, range.why ? `${fix} (${range.why}).` : `${fix}.`);
}

/**
 * A checked duration as the Go duration string that Terraform timeouts, Skupper's CRDs and
 * Prometheus take ("90s", "20m", "48h"); days become hours, which Go durations lack.
 */
export function goDuration(value: number, unit: TimeUnit): string {
  switch (unit) {
    case "seconds":
      return `${value}s`;
    case "minutes":
      return `${value}m`;
    case "hours":
      return `${value}h`;
    case "days":
      return `${value * 24}h`;
  }
}

/** A Go duration string ("1h30m", "90s") converted to `unit`, for the hint to a caller who passed one; undefined if it is none. */
function durationStringIn(text: string, unit: TimeUnit): number | undefined {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!match || text.trim() === "") return undefined;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const total = days * SECONDS_PER.days + hours * SECONDS_PER.hours + minutes * SECONDS_PER.minutes + seconds;
  return Math.round((total / SECONDS_PER[unit]) * 1000) / 1000;
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

/**
 * A size written as a Kubernetes quantity ("100Gi", "512Mi", "4G"), in bytes. `kind` and
 * `example` shape the fix ("storage", "100Gi"). A bare number is bytes, as in Kubernetes.
 */
export function parseByteQuantity(field: string, value: string, kind: string, example: string): number {
  const match = typeof value === "string" ? /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(value) : null;
  const bytes = match ? Number(match[1]) * BYTE_UNITS[match[2] ?? ""] : NaN;
  if (!match || !(bytes >= 1) || !Number.isSafeInteger(Math.floor(bytes))) {
    const unitHint = typeof value === "number" ? `; sizes are strings with a unit, e.g. "${value}Gi"` : "";
    fail(field, value, `Use a positive Kubernetes ${kind} quantity such as "${example}" (Ki, Mi, Gi, Ti: powers of 1024; k, M, G, T: of 1000)${unitHint}.`);
  }
  return Math.floor(bytes);
}

/** A container's memory ("8Gi", "512Mi", "4G"), in bytes. */
export function parseMemoryBytes(field: string, value: string): number {
  return parseByteQuantity(field, value, "memory", "8Gi");
}

/** A persistent volume's size ("100Gi", "2Ti"), in bytes. */
export function parseStorageBytes(field: string, value: string): number {
  return parseByteQuantity(field, value, "storage", "100Gi");
}
