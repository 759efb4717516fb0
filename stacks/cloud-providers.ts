/**
 * The cloud providers a stack needs, and the account identifiers they take. An identifier the
 * topology leaves out becomes a Terraform variable, so the app synthesizes without accounts
 * and each pipeline or workspace supplies its own.
 */
import { TerraformStack, TerraformVariable } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import type { Accounts } from "./topology/types";

export const GCP_PROJECT_VARIABLE = "gcp_project";
export const AZURE_SUBSCRIPTION_VARIABLE = "azure_subscription_id";

/** On every resource that takes tags or labels; keys valid as both AWS tags and GCP labels. */
const RESOURCE_LABELS = { "part-of": "cockroachdb", "managed-by": "cdktf" };

export function awsProvider(stack: TerraformStack, region: string, accounts: Accounts): AwsProvider {
  return new AwsProvider(stack, "aws", {
    region,
    profile: accounts.awsProfile,
    defaultTags: [{ tags: RESOURCE_LABELS }],
  });
}

export function gcpProject(stack: TerraformStack, accounts: Accounts): string {
  return (
    accounts.gcpProject ??
    new TerraformVariable(stack, GCP_PROJECT_VARIABLE, {
      type: "string",
      description: "GCP project ID that holds the GKE cluster (accounts.gcpProject in the topology file).",
    }).stringValue
  );
}

export function googleProvider(stack: TerraformStack, region: string, project?: string): GoogleProvider {
  const google = new GoogleProvider(stack, "google", { region, project });
  // cdktf rewrites the keys of a provider's map attributes to snake_case; an override keeps them.
  google.addOverride("default_labels", RESOURCE_LABELS);
  return google;
}

export function azurermProvider(stack: TerraformStack, accounts: Accounts): AzurermProvider {
  const subscriptionId =
    accounts.azureSubscriptionId ??
    new TerraformVariable(stack, AZURE_SUBSCRIPTION_VARIABLE, {
      type: "string",
      description: "Azure subscription ID for the AKS cluster (accounts.azureSubscriptionId in the topology file).",
    }).stringValue;
  return new AzurermProvider(stack, "azurerm", { features: [{}], subscriptionId });
}
