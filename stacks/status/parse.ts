/**
 * Readers for what kubectl and the cockroach CLI print. Every reader takes the program's text
 * as the real programs print it (the tests feed recorded outputs) and never keeps more than
 * the status needs: no certificate key, no backup destination, no schedule command.
 */
import { X509Certificate } from "crypto";

/** `cockroach ... --format=ndjson`: one JSON object per row, every value a string ("NULL" for NULL). */
export function parseNdjson(text: string): Record<string, string>[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, string>);
}

/**
 * A SQL timestamp as the cockroach CLI formats it: `2026-12-01 09:30:00.123456` (TIMESTAMP, UTC)
 * or with a zone offset `+00`, `+05:30` (TIMESTAMPTZ). Undefined for NULL or anything else.
 */
export function parseSqlTimestamp(text: string | undefined): Date | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(?:([+-])(\d{2})(?::?(\d{2}))?(?::\d{2})?)?$/.exec((text ?? "").trim());
  if (!match) return undefined;
  const [, date, time, fraction = "", sign, hours, minutes = "00"] = match;
  const zone = sign ? `${sign}${hours}:${minutes}` : "Z";
  const millis = fraction ? fraction.slice(0, 4).padEnd(4, "0") : "";
  const parsed = new Date(`${date}T${time}${millis}${zone}`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** A SQL INTERVAL as text (`00:05:00`, `1 day 02:00:00`, `00:01:30.5`) in seconds. */
export function parseSqlIntervalSeconds(text: string | undefined): number | undefined {
  const match = /^(?:(\d+) days? ?)?(?:(\d+):(\d{2}):(\d{2}(?:\.\d+)?))?$/.exec((text ?? "").trim());
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  const [, days = "0", hours = "0", minutes = "0", seconds = "0"] = match;
  return Number(days) * 86400 + Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** One row of `cockroach node status --ranges --decommission --format=ndjson`. */
export interface NodeStatusRow {
  readonly id: number;
  /** The advertised RPC address, `<pod>.<namespace>.svc.<domain>:26257` here. */
  readonly address: string;
  readonly locality: string;
  readonly isLive: boolean;
  readonly isAvailable: boolean;
  /** When the node last updated its liveness record. */
  readonly updatedAt?: Date;
  /** `active`, `decommissioning` or `decommissioned`. */
  readonly membership: string;
  readonly rangesUnavailable: number;
  readonly rangesUnderreplicated: number;
}

const count = (text: string | undefined): number => {
  const value = Number.parseInt(text ?? "", 10);
  return Number.isFinite(value) ? value : 0;
};

export function parseNodeStatus(text: string): NodeStatusRow[] {
  return parseNdjson(text).map((row) => ({
    id: count(row.id),
    address: row.address ?? "",
    locality: row.locality === "NULL" ? "" : (row.locality ?? ""),
    isLive: row.is_live === "true",
    isAvailable: row.is_available === "true",
    updatedAt: parseSqlTimestamp(row.updated_at),
    membership: row.membership && row.membership !== "NULL" ? row.membership : "active",
    rangesUnavailable: count(row.ranges_unavailable),
    rangesUnderreplicated: count(row.ranges_underreplicated),
  }));
}

/** `{1,2,3}` (an INT8[] as the cockroach CLI prints it) as numbers. */
export function parseIntArray(text: string | undefined): number[] {
  const inner = /^\{(.*)\}$/.exec((text ?? "").trim());
  if (!inner || inner[1] === "") return [];
  return inner[1].split(",").map((item) => Number.parseInt(item, 10)).filter(Number.isFinite);
}

/** Ranges grouped by their set of voting replicas (node IDs). */
export interface VoterGroup {
  readonly voters: readonly number[];
  readonly ranges: number;
}

export function parseVoterGroups(text: string): VoterGroup[] {
  return parseNdjson(text).map((row) => ({ voters: parseIntArray(row.voting_replicas), ranges: count(row.ranges) }));
}

/** The Skupper objects of one namespace, from `kubectl get sites.skupper.io,links.skupper.io -o json`. */
export interface SkupperState {
  readonly site?: { readonly name: string; readonly status: string; readonly sitesInNetwork?: number; readonly message?: string };
  readonly links: readonly { readonly name: string; readonly remoteSite?: string; readonly status: string; readonly message?: string }[];
}

interface KubeObject {
  kind?: string;
  metadata?: { name?: string };
  status?: { status?: string; message?: string; sitesInNetwork?: number; remoteSiteName?: string };
}

export function parseSkupper(text: string): SkupperState {
  const list = JSON.parse(text) as { items?: KubeObject[] };
  const items = list.items ?? [];
  const state = (item: KubeObject) => item.status?.status || "Pending";
  const site = items.find((item) => item.kind === "Site");
  return {
    site: site && {
      name: site.metadata?.name ?? "",
      status: state(site),
      sitesInNetwork: site.status?.sitesInNetwork,
      message: site.status?.message || undefined,
    },
    links: items
      .filter((item) => item.kind === "Link")
      .map((link) => ({
        name: link.metadata?.name ?? "",
        remoteSite: link.status?.remoteSiteName || undefined,
        status: state(link),
        message: link.status?.message || undefined,
      })),
  };
}

/** Certificate fields read from the namespace's Secrets; keys are never requested. */
export const CERTIFICATE_KEYS = ["ca.crt", "node.crt", "client.root.crt", "tls.crt"] as const;

/**
 * kubectl's JSONPath for every Secret of the namespace: its name, then the base64 of each
 * certificate field, tab-separated, one Secret per line. Private keys never leave the cluster.
 */
export const SECRET_CERTIFICATES_JSONPATH =
  "{range .items[*]}{.metadata.name}" + CERTIFICATE_KEYS.map((key) => `{"\\t"}{.data.${key.replace(/\./g, "\\.")}}`).join("") + '{"\\n"}{end}';

export interface CertificateExpiry {
  /** `<secret>/<key>`, e.g. `cockroachdb-node-certs/node.crt`. */
  readonly source: string;
  readonly subject: string;
  readonly notAfter: Date;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/** Every certificate in the Secrets' certificate fields (a CA bundle holds several). */
export function parseSecretCertificates(text: string): CertificateExpiry[] {
  const found: CertificateExpiry[] = [];
  for (const line of text.split("\n")) {
    const [secret, ...fields] = line.split("\t");
    if (!secret) continue;
    fields.forEach((field, i) => {
      if (!field) return;
      const pem = Buffer.from(field, "base64").toString("utf8");
      for (const block of pem.match(PEM_BLOCK) ?? []) {
        try {
          const certificate = new X509Certificate(block);
          found.push({ source: `${secret}/${CERTIFICATE_KEYS[i]}`, subject: certificate.subject.replace(/\n/g, ", "), notAfter: new Date(certificate.validTo) });
        } catch {
          // Not a certificate after all: nothing to report on.
        }
      }
    });
  }
  return found;
}
