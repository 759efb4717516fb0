import { TerraformProvider, TerraformStack } from "cdktf";
import { EksSite } from "../lib/sites/eks-site";
import { KubernetesSite, SiteProviders } from "../lib/sites/kubernetes-site";
import { awsProvider, googleProvider } from "./cloud-providers";
import type { Topology } from "./topology/types";

/**
 * Kubernetes and helm providers for `site` in `stack` (a stack other than the one that
 * created the cluster), plus the stack's own cloud provider where the site's auth data
 * source needs one: EKS signs a token with aws, GKE reads an access token through google.
 */
export function connectToSite(stack: TerraformStack, site: KubernetesSite, topology: Topology): SiteProviders {
  let cloudProvider: TerraformProvider | undefined;
  // With exec auth the AWS CLI signs the token and no aws provider is needed here.
  const awsSigns = !(site instanceof EksSite && site.authentication === "exec");
  if (site.cloud === "aws" && awsSigns) cloudProvider = awsProvider(stack, site.region, topology.accounts);
  if (site.cloud === "gcp") cloudProvider = googleProvider(stack, site.region, topology.accounts.gcpProject);
  return site.connect(stack, "cluster", { cloudProvider });
}
