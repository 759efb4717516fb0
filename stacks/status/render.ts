/**
 * The human view of a StatusReport: one row per site, then the cluster-wide checks and every
 * problem. `--json` prints the report itself instead.
 */
import type { BackupReport, Severity, SiteReport, StatusReport } from "./evaluate";

const SEVERITY_LABEL: Record<Severity, string> = { degraded: "degraded", atRisk: "AT RISK", outage: "OUTAGE" };

/** Columns padded to their widest cell; no colours, so the output pastes into tickets as it is. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) => row.map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths[col]))).join("  ").trimEnd());
}

const day = (iso: string) => iso.slice(0, 10);
const minute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

function skupperCell(site: SiteReport): string {
  if (!site.kubectl.reachable) return "?";
  if (site.skupper.error) return "error";
  if (!site.skupper.site) return "none";
  const network = site.skupper.site.sitesInNetwork;
  return network === undefined ? site.skupper.site.status : `${site.skupper.site.status} (${network} sites)`;
}

function linksCell(site: SiteReport): string {
  if (!site.kubectl.reachable) return "?";
  if (site.skupper.error) return "error";
  const links = site.skupper.links;
  if (links.length === 0) return "-";
  const ready = links.filter((l) => l.status === "Ready").length;
  return `${ready}/${links.length} Ready`;
}

function nodesCell(site: SiteReport): string {
  if (!site.nodes) return "?";
  const { live, suspect, dead, missing, expected } = site.nodes;
  return `${live}/${suspect}/${dead} of ${expected}${missing > 0 ? `, ${missing} missing` : ""}`;
}

function certificateCell(site: SiteReport): string {
  if (!site.kubectl.reachable) return "?";
  if (site.certificates.error) return "error";
  const nearest = site.certificates.nearest;
  // The Secret's key names the certificate well enough here; the JSON report has the Secret too.
  return nearest ? `${day(nearest.notAfter)} (${nearest.daysLeft} d, ${nearest.source.split("/").pop()})` : "none found";
}

function backupLine(backup: BackupReport): string[] {
  const when = backup.lastSuccess ? `${minute(backup.lastSuccess)} (${backup.ageHours} h ago)` : "-";
  const schedules = backup.schedules > 0 ? `${backup.schedules} schedule${backup.schedules === 1 ? "" : "s"}` : "no schedule";
  return [`  ${backup.key}`, backup.label, schedules, when, backup.state];
}

export function renderReport(report: StatusReport): string {
  const lines: string[] = [];
  lines.push(
    `CockroachDB status - topology: ${report.topology}; checked ${minute(report.checkedAt)} (${report.clock} clock); SQL via ${report.sqlClientSite ? `site ${report.sqlClientSite}` : "no site"}`,
    "",
  );
  lines.push(
    ...formatTable([
      ["SITE", "CLOUD", "REGION", "KUBECTL", "SKUPPER SITE", "LINKS", "NODES live/suspect/dead", "NEAREST CERT EXPIRY"],
      ...report.sites.map((site) => [
        site.name,
        site.cloud,
        site.region,
        site.kubectl.reachable ? "ok" : "unreachable",
        skupperCell(site),
        linksCell(site),
        nodesCell(site),
        certificateCell(site),
      ]),
    ]),
  );
  lines.push("");
  lines.push(
    report.ranges
      ? `Ranges: ${report.ranges.unavailable} unavailable, ${report.ranges.underReplicated} under-replicated`
      : "Ranges: unknown",
  );
  const s = report.survival;
  const what = s.failureDomain === "site" ? "any one more site" : "any one more zone";
  const verdict =
    s.holds === null
      ? `unknown (${s.reason})`
      : s.holds
        ? `holds: losing ${what} keeps a majority of every range (${s.rangesChecked} checked)`
        : `DOES NOT HOLD: ${[
            ...(s.unavailableRanges > 0 ? [`${s.unavailableRanges} ranges have no majority now`] : []),
            ...s.atRisk.map((r) => `losing ${r.domain} would take ${r.ranges} ranges`),
          ].join("; ")}`;
  lines.push(`Survival goal ${s.goal} (${s.replicationFactor} replicas): ${verdict}`);
  lines.push("Backups (last success):");
  lines.push(...(report.backups.length > 0 ? formatTable(report.backups.map(backupLine)) : ["  none expected"]));
  lines.push("");
  if (report.problems.length === 0) lines.push("No problems found.");
  else {
    lines.push("Problems:");
    for (const p of report.problems) lines.push(`  [${SEVERITY_LABEL[p.severity]}] ${p.site ? `${p.site}: ` : ""}${p.message}`);
  }
  lines.push(`Health: ${report.health === "healthy" ? "healthy" : SEVERITY_LABEL[report.health]} (exit ${report.exitCode})`);
  return lines.join("\n") + "\n";
}
