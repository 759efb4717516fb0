import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { CockroachClusterInit } from "../lib/database/cockroach-cluster-init";
import { KubernetesSite } from "../lib/sites/kubernetes-site";
import { DeploymentStack } from "./deployment-stack";
import { CLUSTER_INIT_STACK, databaseSites } from "./naming";
import { connectToSite } from "./site-connection";
import type { Topology } from "./topology/types";

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
    const init = new CockroachClusterInit(this, "init", {
      provider: kubernetes,
      sites: databaseSites(topology),
      survivalGoal: topology.survivalGoal,
      namespace: topology.namespace,
      clusterDomain: topology.clusterDomain,
      image: topology.cockroach.image,
    });
    new TerraformOutput(this, "replication_factor", {
      description: "Replicas per range the cluster was configured with.",
      value: init.replicationFactor,
    });
  }
}
