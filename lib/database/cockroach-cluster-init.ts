import { Construct } from "constructs";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import {
  COCKROACH_GRPC_PORT,
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_NAMESPACE,
  DatabaseSiteNames,
  joinAddresses,
  podFqdn,
  podName,
} from "../core/naming";
import { checkDnsLabel, checkDnsSubdomain, checkNamespace, checkPinnedImage, fail } from "../core/validation";
import { checkDuration } from "../core/units";
import { COCKROACH_IMAGE, ROOT_CLIENT_CERTS_SECRET, labels } from "./common";
import { BackupScheduleSpec, SqlDatabaseSpec, SqlUserSpec, checkSqlName, checkSqlUserName, provisioningScript } from "./provisioning";
import { initScript } from "./scripts";
import { sqlClientJob } from "./sql-client-job";
import { REGION_FAILURE_REPLICAS, checkSites, checkSurvivesRegionLoss } from "./sites";

export type SurvivalGoal = "region" | "zone";

export interface CockroachClusterInitProps {
  /** The cluster of the FIRST site in `sites`: the Job inits that site's pod 0. */
  readonly provider: KubernetesProvider;
  /** Every database site, in the same order as given to every CockroachStatefulSet. */
  readonly sites: readonly DatabaseSiteNames[];
  /**
   * "region": 5 replicas per range, so that losing any one site (a cloud region) keeps a
   * majority; needs 3+ sites, and surviving a whole cloud needs each site in its own cloud.
   * "zone": CockroachDB's default of 3 replicas.
   * @default "region"
   */
  readonly survivalGoal?: SurvivalGoal;
  /** @default "cockroachdb" */
  readonly namespace?: string;
  /** @default DEFAULT_CLUSTER_DOMAIN */
  readonly clusterDomain?: string;
  /** @default COCKROACH_IMAGE */
  readonly image?: string;
  /** Secret with `ca.crt`, `client.root.crt`, `client.root.key`. @default ROOT_CLIENT_CERTS_SECRET */
  readonly clientCertsSecretName?: string;
  /** How long the deploy waits for every node to join. @default 30 */
  readonly timeoutMinutes?: number;
  /** @default "cockroachdb-init" */
  readonly jobName?: string;
  /**
   * Where the enterprise license key is (a Secret in the namespace); applied right after init.
   * An empty or missing key skips the step: CockroachDB then gives a multi-node cluster a
   * 7-day grace period. The key stays out of the Job spec.
   * @default no license
   */
  readonly license?: CockroachLicenseSource;
  /**
   * Backup schedules, databases and SQL users converged after the survival setting, on every
   * run of the Job (each step idempotent; a changed schedule is altered in place).
   * @default none
   */
  readonly provisioning?: CockroachProvisioning;
}

/** A key of a Secret in the Job's namespace. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

export interface CockroachProvisioning {
  /** A SQL identity for Jobs elsewhere: certificate login, member of admin (operatorUserSql). @default none */
  readonly operatorUser?: string;
  readonly schedules?: readonly InitBackupSchedule[];
  readonly databases?: readonly SqlDatabaseSpec[];
  /** Created after the databases. */
  readonly users?: readonly InitSqlUser[];
}

export interface InitBackupSchedule extends Omit<BackupScheduleSpec, "gatewayHost" | "credentialsEnv"> {
  /** A site inside the execution locality: its first pod checks and schedules the backups. */
  readonly gatewaySite: string;
  /** URI parameters with credentials, appended to `uri`. @default none */
  readonly credentials?: SecretKeyRef;
}

export interface InitSqlUser extends Omit<SqlUserSpec, "passwordEnv"> {
  readonly password: SecretKeyRef;
}

export interface CockroachLicenseSource {
  readonly secretName: string;
  /** @default "license" */
  readonly secretKey?: string;
  /**
   * Key of the same Secret holding the organization the license was issued to: CockroachDB
   * refuses an organization-bound key unless `cluster.organization` matches, so the Job sets
   * it first. An empty or missing value sets nothing.
   * @default "organization"
   */
  readonly organizationKey?: string;
  /**
   * A value that changes with the key (e.g. its sha256), so a new key re-runs the Job; the Job
   * cannot see that the Secret changed.
   * @default none: a changed key is not applied by Terraform
   */
  readonly revision?: string;
}

const LICENSE_ENV = "COCKROACH_LICENSE";
const LICENSE_ORGANIZATION_ENV = "COCKROACH_LICENSE_ORGANIZATION";
/** Terraform waits this much longer than the Job's own deadline (timeoutMinutes), to see it end. */
export const INIT_WAIT_SLACK_MINUTES = 5;

/**
 * The single `cockroach init` of the multi-cluster database, as a Job that Terraform waits
 * for. Create exactly one per database (two inits would mean two databases). After init it
 * waits until every node of every site has joined and applies the survival setting.
 */
export class CockroachClusterInit extends Construct {
  readonly job: JobV1;
  /** Replicas per range after the Job ran. */
  readonly replicationFactor: number;

  constructor(scope: Construct, id: string, props: CockroachClusterInitProps) {
    super(scope, id);
    checkSites(props.sites);
    const goal = props.survivalGoal ?? "region";
    if (goal === "region") checkSurvivesRegionLoss(props.sites);
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const domain = checkDnsSubdomain("clusterDomain", props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
    const image = checkPinnedImage("image", props.image ?? COCKROACH_IMAGE, COCKROACH_IMAGE);
    const timeoutMinutes = checkDuration("timeoutMinutes", props.timeoutMinutes ?? 30, "minutes", { min: 5, max: 1440 });
    const name = checkDnsLabel("jobName", props.jobName ?? "cockroachdb-init");

    this.replicationFactor = goal === "region" ? REGION_FAILURE_REPLICAS : 3;
    const first = props.sites[0];
    const provisioning = this.provisioning(props, namespace, domain);
    const script = initScript({
      initHost: `${podFqdn(podName(first.statefulSetName, 0), namespace, domain)}:${COCKROACH_GRPC_PORT}`,
      probeHosts: joinAddresses(props.sites, namespace, domain),
      expectedNodes: props.sites.reduce((sum, s) => sum + s.replicas, 0),
      statements: goal === "region" ? [`ALTER RANGE default CONFIGURE ZONE USING num_replicas = ${REGION_FAILURE_REPLICAS}`] : [],
      licenseEnv: props.license ? LICENSE_ENV : undefined,
      afterJoin: provisioning.lines,
      licenseOrganizationEnv: props.license ? LICENSE_ORGANIZATION_ENV : undefined,
    });
    const license = props.license;
    const licenseEnv = license
      ? [
          {
            name: LICENSE_ENV,
            valueFrom: { secretKeyRef: { name: license.secretName, key: license.secretKey ?? "license", optional: true } },
          },
          {
            name: LICENSE_ORGANIZATION_ENV,
            valueFrom: { secretKeyRef: { name: license.secretName, key: license.organizationKey ?? "organization", optional: true } },
          },
        ]
      : undefined;

    this.job = sqlClientJob(this, "job", {
      provider: props.provider,
      metadata: { name, namespace, labels: labels(name, "init") },
      podLabels: labels(name, "init"),
      podAnnotations: license?.revision ? { "cockroachdb.com/license-revision": license.revision } : undefined,
      containerName: "init",
      image,
      script,
      env: licenseEnv || provisioning.env.length > 0 ? [...(licenseEnv ?? []), ...provisioning.env] : undefined,
      clientCertsSecretName: props.clientCertsSecretName ?? ROOT_CLIENT_CERTS_SECRET,
      timeoutMinutes,
      waitSlackMinutes: INIT_WAIT_SLACK_MINUTES,
      retries: 3,
    });
  }

  /** The provisioning lines and the Secret-backed environment they read (passwords, credentials). */
  private provisioning(props: CockroachClusterInitProps, namespace: string, domain: string) {
    const p = props.provisioning;
    const env: { name: string; valueFrom: { secretKeyRef: { name: string; key: string; optional: boolean } } }[] = [];
    if (!p) return { lines: [] as string[], env };
    const fromSecret = (prefix: string, index: number, ref: SecretKeyRef) => {
      const name = `${prefix}_${index}`;
      // Optional: a missing Secret shows as an empty value, which the script reports by name.
      env.push({ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key, optional: true } } });
      return name;
    };
    const schedules = (p.schedules ?? []).map((s, i) => {
      const site = props.sites.find((candidate) => candidate.siteName === s.gatewaySite);
      if (!site) fail(`provisioning.schedules[${i}].gatewaySite`, s.gatewaySite, `Use one of the sites: ${props.sites.map((c) => c.siteName).join(", ")}.`);
      return {
        ...s,
        gatewayHost: `${podFqdn(podName(site.statefulSetName, 0), namespace, domain)}:${COCKROACH_GRPC_PORT}`,
        credentialsEnv: s.credentials ? fromSecret("BACKUP_CREDENTIALS", i, s.credentials) : undefined,
      };
    });
    const databases = (p.databases ?? []).map((db, i) => ({ ...db, name: checkSqlName(`provisioning.databases[${i}].name`, db.name) }));
    const users = (p.users ?? []).map((u, i) => ({
      ...u,
      name: checkSqlUserName(`provisioning.users[${i}].name`, u.name),
      passwordEnv: fromSecret("SQL_PASSWORD", i, u.password),
    }));
    const first = props.sites[0];
    const host = `${podFqdn(podName(first.statefulSetName, 0), namespace, domain)}:${COCKROACH_GRPC_PORT}`;
    return { lines: provisioningScript({ host, schedules, databases, users, operatorUser: p.operatorUser }), env };
  }
}
