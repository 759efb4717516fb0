import {
  BACKUP_SCHEDULE_PREFIX,
  backupScheduleLabel,
  checkBackupDestination,
  checkCrontab,
  defaultStorageAccountName,
  deploymentSuffix,
  supportsAzureWorkloadIdentity,
} from "../../lib/backup/names";
import { parseTopology } from "../../stacks/topology";

describe("backup names", () => {
  test("schedule labels share the prefix the status command looks for", () => {
    expect(backupScheduleLabel("aws")).toBe("crdb-backup-aws");
    expect(backupScheduleLabel("dc-1").startsWith(BACKUP_SCHEDULE_PREFIX)).toBe(true);
    expect(() => backupScheduleLabel("a'b")).toThrow("backup schedule key: invalid value \"a'b\".");
  });

  test("the suffix is stable and depends on the identity", () => {
    expect(deploymentSuffix("x")).toBe(deploymentSuffix("x"));
    expect(deploymentSuffix("x")).toMatch(/^[0-9a-f]{8}$/);
    expect(deploymentSuffix("x")).not.toBe(deploymentSuffix("y"));
  });

  test("storage account names fit 24 characters whatever the site name", () => {
    expect(defaultStorageAccountName("azure-east-production-site", "0123abcd")).toBe("crdbazureeastpro0123abcd");
    expect(defaultStorageAccountName("azure-east-production-site", "0123abcd")).toHaveLength(24);
  });

  test("crontabs: macros and five fields only, nothing that could leave the SQL string", () => {
    expect(checkCrontab("s", "@hourly")).toBe("@hourly");
    expect(checkCrontab("s", "15 */4 * * 1-5")).toBe("15 */4 * * 1-5");
    expect(() => checkCrontab("s", "@daily'; DROP DATABASE x; --")).toThrow('s: invalid value "@daily\'; DROP DATABASE x; --". Use a crontab (UTC)');
    expect(() => checkCrontab("s", "* * * *")).toThrow("Use a crontab");
  });

  test("an existing site's destination holds no credentials and nothing a shell or SQL string would interpret", () => {
    expect(checkBackupDestination("d", "s3://bucket/crdb?AUTH=specified&AWS_REGION=eu-west-1")).toContain("s3://bucket");
    expect(() => checkBackupDestination("d", "s3://b?AWS_ACCESS_KEY_ID=AKIA&AWS_SECRET_ACCESS_KEY=top-secret")).toThrow(
      'd: invalid value "(redacted: it holds a credential)". Move the credential parameters into the Kubernetes Secret named by backup.credentialsSecret',
    );
    expect(() => checkBackupDestination("d", "s3://b/$(reboot)")).toThrow("Use a CockroachDB backup URI");
    expect(() => checkBackupDestination("d", "s3://b/it's")).toThrow("Use a CockroachDB backup URI");
    expect(() => checkBackupDestination("d", "ftp://b")).toThrow("Use a CockroachDB backup URI");
  });

  test("Azure workload identity needs v25.2 or later; a digest-only image cannot be checked", () => {
    expect(supportsAzureWorkloadIdentity("i", "cockroachdb/cockroach:v26.2.7")).toBe(true);
    expect(supportsAzureWorkloadIdentity("i", "cockroachdb/cockroach:v25.2.0")).toBe(true);
    expect(supportsAzureWorkloadIdentity("i", `cockroachdb/cockroach@sha256:${"a".repeat(64)}`)).toBe(false);
    expect(() => supportsAzureWorkloadIdentity("i", "cockroachdb/cockroach:v24.3.9")).toThrow('i: invalid value "cockroachdb/cockroach:v24.3.9". Backups to Azure Blob Storage');
  });

  test("the topology file reports a credential in an existing site's destination at its path", () => {
    const existing = (backup: object) => ({
      sites: [{ name: "dc1", cloud: "existing", region: "dc1", kubeconfig: { context: "c" }, storageClassName: "ssd", backup }],
      survivalGoal: "zone",
    });
    expect(() => parseTopology(existing({ destination: "gs://b?AUTH=specified&CREDENTIALS=abc" }), "t.yaml")).toThrow(
      'sites[0].backup.destination: invalid value "gs://b?AUTH=specified&CREDENTIALS=abc". Move the credential parameters',
    );
    const topology = parseTopology(existing({ destination: "s3://b/crdb?AUTH=specified", credentialsSecret: "dc1-backup" }), "t.yaml");
    expect(topology.sites[0]).toMatchObject({ backup: { destination: "s3://b/crdb?AUTH=specified", credentialsSecret: "dc1-backup", credentialsKey: "credentials" } });
  });
});
