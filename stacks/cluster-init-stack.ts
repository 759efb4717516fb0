import { Fn, TerraformOutput, TerraformVariable } from "cdktf";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { Construct } from "constructs";
import { waitBudgetMinutes } from "../lib/core/credential-lifetimes";
import { CockroachClusterInit, INIT_WAIT_SLACK_MINUTES } from "../lib/database/cockroach-cluster-init";
import { CockroachUpgradeFinalize } from "../lib/database/cockroach-upgrade-finalize";
import { OPERATOR_SQL_USER } from "../lib/database/common";
import { KubernetesSite } from "../lib/sites/kubernetes-site";
import { DeploymentStack } from "./deployment-stack";
import { CLUSTER_INIT_STACK, databaseSites } from "./naming";
import { connectToSite } from "./site-connection";
import type { Site, Topology } from "./topology/types";
import { CockroachProvisioning } from "../lib/database/cockroach-cluster-init";
import { SQL_USER_SECRET_KEYS, sqlUserSecretName } from "../lib/database/sql-users";
import { planBackups } from "./backup";
import { sqlDatabases, sqlUsers } from "./sql";

export const LICENSE_VARIABLE = "cockroach_license";
export const LICENSE_ORGANIZATION_VARIABLE = "cockroach_license_organization";
const LICENSE_SECRET = "cockroachdb-license";

/** Minutes the init Job may run for every node to join, when its site's credential allows. */
const INIT_TIMEOUT_MINUTES = 30;

/**
 * The site the init Job runs in: the first one whose credential outlives the Job's whole wait
 * (every pod is reachable from every site, so any site can init the first site's pod 0). With
 * only short-lived credentials (EKS tokens) the first site runs a shorter Job: one that times
 * out is replaced on the next apply, and the init script skips what is already done.
 */
export function chooseInitSite(sites: readonly KubernetesSite[]): { site: KubernetesSite; timeoutMinutes: number } {
  const fullWait = INIT_TIMEOUT_MINUTES + INIT_WAIT_SLACK_MINUTES;
  const roomy = sites.find((s) => waitBudgetMinutes(s.credentialLifetimeMinutes) >= fullWait);
  if (roomy) return { site: roomy, timeoutMinutes: INIT_TIMEOUT_MINUTES };
  const budget = Math.floor(waitBudgetMinutes(sites[0].credentialLifetimeMinutes));
  return { site: sites[0], timeoutMinutes: Math.max(5, budget - INIT_WAIT_SLACK_MINUTES) };
}

/**
 * The sites that hold the root client certificate: the init site (its init and finalize Jobs
 * run as root), every site in cockroach.rootClientSites, and every site whose SQL client pod
 * runs (it mounts the certificate); by default that is the init site alone.
 */
export function rootClientSiteNames(topology: Topology, initSiteName: string): ReadonlySet<string> {
  return new Set([initSiteName, ...topology.cockroach.rootClientSites, ...topology.sites.filter((s) => runsSqlClientPod(s, initSiteName)).map((s) => s.name)]);
}

/** sqlClientPod where the topology sets it; otherwise the pod runs in the init site only. */
export function runsSqlClientPod(site: Site, initSiteName: string): boolean {
  return site.sqlClientPod ?? site.name === initSiteName;
}

export interface ClusterInitStackProps {
  readonly topology: Topology;
  /** Every site, in topology order; chooseInitSite picks the one the init Job runs in. */
  readonly sites: readonly KubernetesSite[];
  /** Every database and links stack: init runs once all of them are applied. */
  readonly after: readonly DeploymentStack[];
}

/**
 * The single `cockroach init` of the whole multi-cloud database, and the survival goal once
 * every node has joined. Exactly one such stack exists per deployment.
 */
export class ClusterInitStack extends DeploymentStack {
  /** The site whose cluster runs the init Job and holds the license Secret. */
  readonly siteName: string;

  constructor(scope: Construct, props: ClusterInitStackProps) {
    const { topology } = props;
    super(scope, CLUSTER_INIT_STACK, topology.backend);
    for (const stack of props.after) this.addDependency(stack);
    const { site, timeoutMinutes } = chooseInitSite(props.sites);
    this.siteName = site.siteName;
    const { kubernetes } = connectToSite(this, site, topology);
    // A variable, not a topology field: the key is a secret and stays out of files in git.
    const licenseKey = new TerraformVariable(this, LICENSE_VARIABLE, {
      type: "string",
      default: "",
      sensitive: true,
      description: "CockroachDB enterprise license key (empty: a 7-day grace period for a multi-node cluster).",
    }).stringValue;
    // Next to the key, not in the topology: it is issued with the key and changes with it, in
    // the same place (TF_VAR_..., workspace variables), whatever topology file is used.
    const organization = new TerraformVariable(this, LICENSE_ORGANIZATION_VARIABLE, {
      type: "string",
      default: "",
      description: "The organization the license key was issued to (cluster.organization); needed for an organization-bound key.",
      validation: [
        {
          condition: `\${length(var.${LICENSE_ORGANIZATION_VARIABLE}) <= 200 && can(regex("^[^[:cntrl:]]*$", var.${LICENSE_ORGANIZATION_VARIABLE}))}`,
          errorMessage: "The organization is one line of at most 200 characters, as on the license.",
        },
      ],
    }).stringValue;
    const licenseSecret = new SecretV1(this, "license", {
      provider: kubernetes,
      metadata: { name: LICENSE_SECRET, namespace: topology.namespace },
      data: { license: licenseKey, organization },
    });
    const init = new CockroachClusterInit(this, "init", {
      provider: kubernetes,
      sites: databaseSites(topology),
      survivalGoal: topology.survivalGoal,
      namespace: topology.namespace,
      clusterDomain: topology.clusterDomain,
      image: topology.cockroach.image,
      timeoutMinutes,
      license: { secretName: licenseSecret.metadata.name, revision: Fn.sha256(Fn.join("\n", [licenseKey, organization])) },
      provisioning: provisioningOf(topology),
    });
    if (topology.cockroach.finalizeUpgrade !== undefined) {
      // After every database stack: the rollout guards made each site roll to the new major.
      new CockroachUpgradeFinalize(this, "finalize-upgrade", {
        provider: kubernetes,
        major: topology.cockroach.finalizeUpgrade,
        image: topology.cockroach.image,
        namespace: topology.namespace,
      });
    }
    new TerraformOutput(this, "replication_factor", {
      description: "Replicas per range the cluster was configured with.",
      value: init.replicationFactor,
    });
  }
}

/**
 * What the init Job converges after init: one backup schedule per cloud (and per existing site
 * with a destination), the topology's databases, then its users with their passwords' Secrets.
 */
export function provisioningOf(topology: Topology): CockroachProvisioning {
  return {
    operatorUser: OPERATOR_SQL_USER,
    schedules: planBackups(topology).map((target) => ({
      label: target.label,
      uri: target.uri,
      executionLocality: target.executionLocality,
      incrementalSchedule: topology.backup.incrementalSchedule,
      fullSchedule: topology.backup.fullSchedule,
      gatewaySite: target.siteName,
      credentials: target.credentials && { name: target.credentials.secretName, key: target.credentials.secretKey },
    })),
    databases: sqlDatabases(topology),
    users: sqlUsers(topology).map((user) => ({
      name: user.name,
      admin: user.admin,
      databases: user.databases,
      password: { name: user.passwordSecret ?? sqlUserSecretName(user.name), key: SQL_USER_SECRET_KEYS.password },
    })),
  };
}
