import { TerraformOutput } from "cdktf";
import { shellCommand } from "../lib/core/shell";
import { terraformLiteral } from "../lib/core/terraform-strings";
import { Construct } from "constructs";
import { AzureBackupStorage } from "../lib/backup/azure-backup-storage";
import { BackupStorage } from "../lib/backup/backup-storage";
import { GcsBackupBucket } from "../lib/backup/gcs-backup-bucket";
import { supportsAzureWorkloadIdentity } from "../lib/backup/names";
import { S3BackupBucket } from "../lib/backup/s3-backup-bucket";
import { statefulSetName } from "../lib/core/naming";
import { warn } from "../lib/core/warnings";
import { knownMachineType } from "../lib/sites/node-fit";
import { COCKROACH_IMAGE } from "../lib/database/common";
import { backupTargetOf } from "./backup";
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
  /** This cloud's backup storage and the identity binding its CockroachDB pods need; undefined when another site of the cloud holds it. */
  readonly backupStorage?: BackupStorage;

  constructor(scope: Construct, props: ClusterStackProps) {
    const { topology, site } = props;
    super(scope, stackNames.cluster(site.name), topology.backend);
    const common = cloudSiteProps(site);
    const backup = backupTargetOf(topology, site.name);
    const access = backup && {
      retentionDays: topology.backup.retentionDays,
      namespace: topology.namespace,
      serviceAccountName: statefulSetName(topology.statefulSetPrefix, site.name),
    };

    if (!knownMachineType(site.cloud, site.nodes.machineType)) {
      warn(
        this,
        `Site "${site.name}": nodes.machineType ${JSON.stringify(site.nodes.machineType)} is not in the machine table (lib/sites/node-fit.ts), ` +
          "so whether a CockroachDB pod, the Skupper router (2 CPU) and the SQL client fit one node after the cloud's reservations was not checked.",
      );
    }
    let credentialsCommand: string;
    switch (site.cloud) {
      case "aws": {
        const aws = awsProvider(this, site.region, topology.accounts);
        const eks = new EksSite(this, "site", {
          ...common,
          provider: aws,
          vpcCidr: site.network.vpcCidr,
          serviceCidr: site.network.serviceCidr,
          adminPrincipalArns: site.adminPrincipalArns,
          authentication: site.kubernetesAuth,
          // `aws eks get-token` must run as the same identity as the stacks' aws providers.
          awsCliProfile: site.kubernetesAuth === "exec" ? topology.accounts.awsProfile : undefined,
          secretsEncryption: site.secretsEncryption,
          controlPlaneLogTypes: site.controlPlaneLogTypes,
          controlPlaneLogRetentionDays: site.controlPlaneLogRetentionDays,
        });
        const profile = topology.accounts.awsProfile ? ["--profile", topology.accounts.awsProfile] : [];
        credentialsCommand = shellCommand(["aws", "eks", "update-kubeconfig", "--region", site.region, "--name", eks.clusterName, "--alias", site.name, ...profile]);
        this.site = eks;
        if (backup && access) {
          this.backupStorage = new S3BackupBucket(this, "backup", {
            ...access,
            provider: aws,
            bucketName: backup.storageName!,
            region: site.region,
            clusterName: eks.cluster.name,
          });
        }
        break;
      }
      case "gcp": {
        const project = gcpProject(this, topology.accounts);
        const google = googleProvider(this, site.region, project);
        const gke = new GkeSite(this, "site", {
          ...common,
          provider: google,
          project,
          nodeCidr: site.network.subnetCidr,
          podCidr: site.network.podsCidr,
          serviceCidr: site.network.servicesCidr,
          deletionProtection: site.deletionProtection,
          secretsEncryptionKey: site.secretsEncryptionKey,
        });
        credentialsCommand =
          shellCommand(["gcloud", "container", "clusters", "get-credentials", gke.clusterName, "--region", site.region, "--project", project]) +
          " && " +
          shellCommand(["kubectl", "config", "rename-context", `gke_${project}_${site.region}_${gke.clusterName}`, site.name]);
        this.site = gke;
        if (backup && access) {
          this.backupStorage = new GcsBackupBucket(this, "backup", {
            ...access,
            provider: google,
            project,
            bucketName: backup.storageName!,
            location: site.region,
            serviceAccountId: `${gke.clusterName.slice(0, 23).replace(/-+$/, "")}-backup`,
            workloadPoolReady: [gke.cluster],
          });
        }
        break;
      }
      case "azure": {
        const azurerm = azurermProvider(this, topology.accounts);
        const aks = new AksSite(this, "site", {
          ...common,
          provider: azurerm,
          vnetCidr: site.network.vnetCidr,
          nodeCidr: site.network.subnetCidr,
          podCidr: site.network.podCidr,
          serviceCidr: site.network.serviceCidr,
          authentication: site.kubernetesAuth,
          adminGroupObjectIds: site.adminGroupObjectIds,
        });
        credentialsCommand = shellCommand(["az", "aks", "get-credentials", "--resource-group", aks.resourceGroupName, "--name", aks.clusterName, "--context", site.name]);
        // Without local accounts kubectl needs kubelogin, here with the Azure CLI's login.
        if (site.kubernetesAuth === "entraId") credentialsCommand += " && " + shellCommand(["kubelogin", "convert-kubeconfig", "--login", "azurecli", "--context", site.name]);
        this.site = aks;
        if (backup && access) {
          const image = topology.cockroach.image ?? COCKROACH_IMAGE;
          if (!supportsAzureWorkloadIdentity("cockroach.image", image)) {
            warn(this, `cockroach.image ${image} names no version; Azure backups through workload identity need CockroachDB v25.2 or later.`);
          }
          this.backupStorage = new AzureBackupStorage(this, "backup", {
            ...access,
            provider: azurerm,
            resourceGroupName: aks.resourceGroupName,
            location: site.region,
            storageAccountName: backup.storageName!,
            oidcIssuerUrl: aks.cluster.oidcIssuerUrl,
          });
        }
        break;
      }
    }
    if (this.backupStorage && backup) {
      new TerraformOutput(this, "backup_location", {
        description: `Where the ${backup.label} schedule keeps this cloud's complete backup (RESTORE ... FROM LATEST IN its URI).`,
        value: { location: this.backupStorage.location, uri: this.backupStorage.uri, schedule: backup.label },
      });
    }
    new TerraformOutput(this, "egress_cidrs", {
      description: "The addresses this cluster's outbound traffic leaves from (NAT); the other sites' Skupper routers admit links from them.",
      value: this.site.egressCidrs,
    });
    new TerraformOutput(this, "kubectl_credentials", {
      description: "Adds this cluster to your kubeconfig.",
      // Every word is quoted for the shell, then the whole is escaped so Terraform prints it as written.
      value: terraformLiteral(credentialsCommand),
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
    networkPolicyEnforcement: site.networkPolicyEnforcement,
  };
}
