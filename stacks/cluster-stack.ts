import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { AksSite } from "../lib/sites/aks-site";
import { EksSite } from "../lib/sites/eks-site";
import { GkeSite } from "../lib/sites/gke-site";
import { DeploymentStack } from "./deployment-stack";
import { awsProvider, azurermProvider, gcpProject, googleProvider } from "./cloud-providers";
import { stackNames } from "./naming";
import { CloudSiteProps } from "../lib/sites/kubernetes-site";
import type { ManagedSite, Topology } from "./topology/types";

export interface ClusterStackProps {
  readonly topology: Topology;
  readonly site: ManagedSite;
}

/**
 * One site's network and Kubernetes cluster: only that cloud's provider, so it plans before
 * any cluster exists (the EKS variant plans fully offline).
 */
export class ClusterStack extends DeploymentStack {
  readonly site: EksSite | GkeSite | AksSite;

  constructor(scope: Construct, props: ClusterStackProps) {
    const { topology, site } = props;
    super(scope, stackNames.cluster(site.name), topology.backend);
    const common = cloudSiteProps(site);

    let credentialsCommand: string;
    switch (site.cloud) {
      case "aws": {
        const eks = new EksSite(this, "site", {
          ...common,
          provider: awsProvider(this, site.region, topology.accounts),
          vpcCidr: site.network.vpcCidr,
          serviceCidr: site.network.serviceCidr,
          adminPrincipalArns: site.adminPrincipalArns,
          authentication: site.kubernetesAuth,
          // `aws eks get-token` must run as the same identity as the stacks' aws providers.
          awsCliProfile: site.kubernetesAuth === "exec" ? topology.accounts.awsProfile : undefined,
        });
        const profile = topology.accounts.awsProfile ? ` --profile ${topology.accounts.awsProfile}` : "";
        credentialsCommand = `aws eks update-kubeconfig --region ${site.region} --name ${eks.clusterName} --alias ${site.name}${profile}`;
        this.site = eks;
        break;
      }
      case "gcp": {
        const project = gcpProject(this, topology.accounts);
        const gke = new GkeSite(this, "site", {
          ...common,
          provider: googleProvider(this, site.region, project),
          project,
          nodeCidr: site.network.subnetCidr,
          podCidr: site.network.podsCidr,
          serviceCidr: site.network.servicesCidr,
          deletionProtection: site.deletionProtection,
        });
        credentialsCommand =
          `gcloud container clusters get-credentials ${gke.clusterName} --region ${site.region} --project ${project}` +
          ` && kubectl config rename-context gke_${project}_${site.region}_${gke.clusterName} ${site.name}`;
        this.site = gke;
        break;
      }
      case "azure": {
        const aks = new AksSite(this, "site", {
          ...common,
          provider: azurermProvider(this, topology.accounts),
          vnetCidr: site.network.vnetCidr,
          nodeCidr: site.network.subnetCidr,
          podCidr: site.network.podCidr,
          serviceCidr: site.network.serviceCidr,
        });
        credentialsCommand = `az aks get-credentials --resource-group ${aks.resourceGroupName} --name ${aks.clusterName} --context ${site.name}`;
        this.site = aks;
        break;
      }
    }
    new TerraformOutput(this, "kubectl_credentials", {
      description: "Adds this cluster to your kubeconfig.",
      value: credentialsCommand,
    });
  }
}

/** The props every cloud site takes, from the topology's resolved site. */
export function cloudSiteProps(site: ManagedSite): CloudSiteProps {
  return {
    siteName: site.name,
    region: site.region,
    zones: site.zones,
    kubernetesVersion: site.kubernetesVersion,
    machineType: site.nodes.machineType,
    nodeCount: site.nodes.count,
    diskSizeGb: site.nodes.diskSizeGb,
    apiAccessCidrs: site.apiAccessCidrs,
  };
}
