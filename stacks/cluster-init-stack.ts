import { Fn, TerraformOutput, TerraformVariable } from "cdktf";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { Construct } from "constructs";
import { CockroachClusterInit } from "../lib/database/cockroach-cluster-init";
import { CockroachUpgradeFinalize } from "../lib/database/cockroach-upgrade-finalize";
import { KubernetesSite } from "../lib/sites/kubernetes-site";
import { DeploymentStack } from "./deployment-stack";
import { CLUSTER_INIT_STACK, databaseSites } from "./naming";
import { connectToSite } from "./site-connection";
import type { Topology } from "./topology/types";
import { CockroachProvisioning } from "../lib/database/cockroach-cluster-init";
import { SQL_USER_SECRET_KEYS, sqlUserSecretName } from "../lib/database/sql-users";
import { planBackups } from "./backup";
import { sqlDatabases, sqlUsers } from "./sql";

export const LICENSE_VARIABLE = "cockroach_license";
const LICENSE_SECRET = "cockroachdb-license";

export interface ClusterInitStackProps {
  readonly topology: Topology;
  /** The first site of the topology: the init Job runs in its cluster. */
  readonly firstSite: KubernetesSite;
  /** Every database and links stack: init runs once all of them are applied. */
  readonly after: readonly DeploymentStack[];
}

/**
 * The single `cockroach init` of the whole multi-cloud database, and the survival goal once
 * every node has joined. Exactly one such stack exists per deployment.
 */
export class ClusterInitStack extends DeploymentStack {
  constructor(scope: Construct, props: ClusterInitStackProps) {
    const { topology, firstSite } = props;
    super(scope, CLUSTER_INIT_STACK, topology.backend);
    for (const stack of props.after) this.addDependency(stack);
    const { kubernetes } = connectToSite(this, firstSite, topology);
    // A variable, not a topology field: the key is a secret and stays out of files in git.
    const licenseKey = new TerraformVariable(this, LICENSE_VARIABLE, {
      type: "string",
      default: "",
      sensitive: true,
      description: "CockroachDB enterprise license key (empty: a 7-day grace period for a multi-node cluster).",
    }).stringValue;
    const licenseSecret = new SecretV1(this, "license", {
      provider: kubernetes,
      metadata: { name: LICENSE_SECRET, namespace: topology.namespace },
      data: { license: licenseKey },
    });
    const init = new CockroachClusterInit(this, "init", {
      provider: kubernetes,
      sites: databaseSites(topology),
      survivalGoal: topology.survivalGoal,
      namespace: topology.namespace,
      clusterDomain: topology.clusterDomain,
      image: topology.cockroach.image,
      license: { secretName: licenseSecret.metadata.name, revision: Fn.sha256(licenseKey) },
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
