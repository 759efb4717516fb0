/**
 * Synth-time input validation. Every error names the field, the bad value and the fix,
 * so a wrong prop is caught before Terraform runs and the message says what to change.
 */
import { Token } from "cdktf";
// formats.ts uses this module too; each only calls the other at run time, never while loading.
import { IMAGE_FORMAT, parseImageReference } from "./formats";

/** Thrown for bad construct props or topology input; `field` is the offending prop path. */
export class ConfigError extends Error {
  constructor(
    public readonly field: string,
    public readonly value: unknown,
    public readonly fix: string,
  ) {
    super(`${field}: invalid value ${describeValue(value)}. ${fix}`);
    this.name = "ConfigError";
  }
}

/** The longest string shown in full in a message; longer ones are cut and their length given. */
const MAX_SHOWN_CHARACTERS = 160;
/** Nesting levels and entries shown: a value from an untrusted file can be arbitrarily deep or long. */
const MAX_SHOWN_DEPTH = 3;
const MAX_SHOWN_ENTRIES = 20;

/**
 * Renders a value for an error message: JSON-like, so strings show their quotes and
 * whitespace, with every character outside printable ASCII escaped (`"\u0430ws"`), so that an
 * invisible or look-alike character cannot make the bad value look identical to its fix.
 * Depth, entries and string length are bounded, so a hostile value cannot overflow the stack
 * or flood the terminal.
 */
export function describeValue(value: unknown): string {
  return render(value, MAX_SHOWN_DEPTH);
}

function render(value: unknown, depth: number): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return quoteForMessage(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : String(value);
    case "boolean":
    case "bigint":
      return String(value);
    case "object":
      break;
    default:
      return `<${typeof value}>`;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (depth === 0) return "[...]";
    const shown = value.slice(0, MAX_SHOWN_ENTRIES).map((item) => render(item, depth - 1));
    if (value.length > MAX_SHOWN_ENTRIES) shown.push(`... (${value.length} items)`);
    return `[${shown.join(",")}]`;
  }
  if (depth === 0) return "{...}";
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  const shown = entries.slice(0, MAX_SHOWN_ENTRIES).map(([k, v]) => `${quoteForMessage(k)}:${render(v, depth - 1)}`);
  if (entries.length > MAX_SHOWN_ENTRIES) shown.push(`... (${entries.length} fields)`);
  return `{${shown.join(",")}}`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A string in double quotes, printable ASCII as is and everything else as \uXXXX. */
export function quoteForMessage(text: string): string {
  const cut = text.length > MAX_SHOWN_CHARACTERS;
  let out = "";
  for (const char of cut ? text.slice(0, MAX_SHOWN_CHARACTERS) : text) {
    const code = char.codePointAt(0)!;
    if (SHORT_ESCAPES[char]) out += SHORT_ESCAPES[char];
    else if (code >= 0x20 && code <= 0x7e) out += char;
    else for (const unit of String.fromCodePoint(code).split("")) out += `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`;
  }
  return cut ? `"${out}..." (${text.length} characters)` : `"${out}"`;
}

/** The longest free-text value any field takes; real names and paths are far shorter. */
export const MAX_TEXT_LENGTH = 1024;

/**
 * Characters no name, path or identifier ever contains, and which make a value display
 * differently from what it is: C0/C1 controls (NUL, newline, escape), DEL, soft hyphen,
 * zero-width and joiner characters, line/paragraph separators, bidirectional controls
 * (the "Trojan Source" class) and the byte-order mark.
 */
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb]/u;

/** The first character of `text` that UNSAFE_CHARACTER matches, with its position, or undefined. */
export function findUnsafeCharacter(text: string): { readonly index: number; readonly codePoint: string } | undefined {
  const match = UNSAFE_CHARACTER.exec(text);
  if (!match) return undefined;
  return { index: match.index, codePoint: `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` };
}

/** The "fix" half for a string that is too long or holds an unsafe character; undefined when it is fine. */
export function unsafeTextFix(text: string, maxLength = MAX_TEXT_LENGTH): string | undefined {
  if (text.length > maxLength) return `Use at most ${maxLength} characters (this has ${text.length}).`;
  const unsafe = findUnsafeCharacter(text);
  if (unsafe) {
    return `It contains the invisible or control character ${unsafe.codePoint} at position ${unsafe.index + 1}; remove it (retype the value if it was pasted).`;
  }
  return undefined;
}

/**
 * Appended to a format's fix when the value holds a character outside ASCII: no name this
 * project checks has one, and a look-alike (Cyrillic U+0430 for Latin "a") is invisible otherwise.
 */
export function withNonAsciiHint(fix: string, text: string): string {
  const index = text.search(/[^\x00-\x7f]/);
  if (index < 0) return fix;
  const code = text.codePointAt(index)!.toString(16).toUpperCase().padStart(4, "0");
  return `${fix} It contains the non-ASCII character U+${code} at position ${index + 1}, perhaps a look-alike of a Latin letter; retype it.`;
}

/** Free text that reaches a file, a command line or a message: bounded, no control or invisible characters. */
export function checkSafeText(field: string, value: string, maxLength = MAX_TEXT_LENGTH): string {
  if (typeof value !== "string") fail(field, value, "Use a string.");
  const fix = unsafeTextFix(value, maxLength);
  if (fix) fail(field, value, fix);
  return value;
}

export function fail(field: string, value: unknown, fix: string): never {
  throw new ConfigError(field, value, fix);
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label: what Kubernetes requires of namespace, Service and pod names. */
export function checkDnsLabel(field: string, value: string, maxLength = 63): string {
  if (typeof value !== "string" || value.length === 0 || value.length > maxLength || !DNS_LABEL.test(value)) {
    fail(
      field,
      value,
      `Use an RFC 1123 label: 1-${maxLength} characters, lower-case letters, digits and '-', starting and ending with a letter or digit.`,
    );
  }
  return value;
}

/** RFC 1123 subdomain: dot-separated labels, at most 253 characters (e.g. a cluster domain). */
export function checkDnsSubdomain(field: string, value: string): string {
  const ok =
    typeof value === "string" &&
    value.length > 0 &&
    value.length <= 253 &&
    value.split(".").every((label) => label.length <= 63 && DNS_LABEL.test(label));
  if (!ok) {
    fail(field, value, "Use an RFC 1123 subdomain: dot-separated labels of lower-case letters, digits and '-', at most 253 characters.");
  }
  return value;
}

/**
 * A namespace name, checked unless it is a token: passing a NamespaceV1's `metadata.name`
 * is how a consumer orders our objects after the namespace they live in.
 */
export function checkNamespace(field: string, value: string): string {
  return Token.isUnresolved(value) ? value : checkDnsLabel(field, value);
}

/**
 * Fails on the first name that repeats an earlier one, naming both entries. `field(i)` is
 * the path of entry i (such as "sites[2].siteName"); `rule` says why the names must differ.
 */
export function checkUniqueNames(field: (index: number) => string, names: readonly string[], rule: string): void {
  const firstIndex = new Map<string, number>();
  names.forEach((name, i) => {
    const earlier = firstIndex.get(name);
    if (earlier !== undefined) fail(field(i), name, `${rule}; ${field(earlier)} already uses it.`);
    firstIndex.set(name, i);
  });
}

export function checkInteger(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    fail(field, value, `Use a whole number ${range}.`);
  }
  return value;
}

/** Parses a Kubernetes CPU quantity ("2", "1.5", "500m") into millicores. */
export function parseCpuMillis(field: string, value: string): number {
  const match = typeof value === "string" ? /^(\d+(?:\.\d+)?)(m)?$/.exec(value) : null;
  const millis = match ? (match[2] ? Number(match[1]) : Number(match[1]) * 1000) : NaN;
  if (!match || !(millis >= 1) || !Number.isInteger(millis)) {
    fail(field, value, "Use a positive Kubernetes CPU quantity such as \"2\", \"1.5\" or \"500m\" (at least 1m).");
  }
  return millis;
}

/** An IPv4 CIDR block as numbers, for overlap checks. */
export interface Ipv4Cidr {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export function parseIpv4Cidr(field: string, value: string): Ipv4Cidr {
  const match = typeof value === "string" ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value) : null;
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : -1;
  if (!match || octets.some((o) => o > 255) || prefix > 32) {
    fail(field, value, "Use an IPv4 CIDR block such as \"10.10.0.0/16\".");
  }
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const size = 2 ** (32 - prefix);
  if (address % size !== 0) {
    fail(field, value, `The address has bits set past the /${prefix} prefix; use the network address of the block.`);
  }
  return { text: value, start: address, end: address + size - 1 };
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * Fails on the first pair of overlapping CIDR blocks. Each entry is [field, cidr text];
 * the message names both fields so the user knows which of the two to move.
 */
export function checkDisjointCidrs(entries: ReadonlyArray<readonly [string, string]>): void {
  const parsed = entries.map(([field, text]) => ({ field, cidr: parseIpv4Cidr(field, text) }));
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      if (cidrsOverlap(parsed[i].cidr, parsed[j].cidr)) {
        fail(
          parsed[j].field,
          parsed[j].cidr.text,
          `It overlaps ${parsed[i].field} (${parsed[i].cidr.text}); choose disjoint ranges.`,
        );
      }
    }
  }
}

/**
 * A container image pinned to a release: a version tag or a digest, in a reference that follows
 * the OCI distribution grammar. A floating tag (none, or `latest`) would change the version
 * under a running cluster, one site at a time.
 */
export function checkPinnedImage(field: string, image: string, example: string): string {
  if (typeof image !== "string") fail(field, image, "Use a string.");
  const pin = `Pin a release with a version tag or an @sha256 digest, e.g. "${example}"`;
  const unsafe = unsafeTextFix(image, IMAGE_FORMAT.maxLength);
  if (unsafe) fail(field, image, unsafe);
  const reference = parseImageReference(image);
  if (reference === undefined) {
    fail(field, image, withNonAsciiHint(`${pin}, in a valid image reference: lower-case repository path (after an optional "registry.host[:port]/"), then ":tag" and/or "@digest".`, image));
  }
  if (reference.digest === undefined && (reference.tag === undefined || reference.tag.startsWith("latest"))) {
    fail(field, image, `${pin}; never "latest" or no tag, which change the version under a running cluster.`);
  }
  return image;
}
