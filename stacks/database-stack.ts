import { Fn, TerraformOutput } from "cdktf";
import { shellCommand, shellPath } from "../lib/core/shell";
import { terraformLiteral } from "../lib/core/terraform-strings";
import { Construct } from "constructs";
import { remotePodNames } from "../lib/core/naming";
import { WorkloadIdentityBinding } from "../lib/backup/backup-storage";
import { COCKROACH_IMAGE, DEFAULT_PUBLIC_SERVICE, OPERATOR_CLIENT_CERTS_SECRET, OPERATOR_SQL_USER, ROOT_CLIENT_CERTS_SECRET } from "../lib/database/common";
import { cockroachImageVersion } from "../lib/database/upgrade-path";
import { warn } from "../lib/core/warnings";
import { sqlUserSecretName } from "../lib/database/sql-users";
import { CockroachSqlClient } from "../lib/database/cockroach-sql-client";
import { CockroachStatefulSet } from "../lib/database/cockroach-statefulset";
import { CockroachScaleDown } from "../lib/database/cockroach-scale-down";
import { CockroachRolloutGuard } from "../lib/database/cockroach-rollout-guard";
import { addDependsOn } from "../lib/core/dependencies";
import { KubernetesSite } from "../lib/sites/kubernetes-site";
import { SkupperPodExposure } from "../lib/skupper/pod-exposure";
import { SkupperSite } from "../lib/skupper/site";
import { CockroachAlertRules } from "../lib/monitoring/cockroach-alert-rules";
import { CockroachServiceMonitor } from "../lib/monitoring/cockroach-service-monitor";
import { SkupperRouterPodMonitor } from "../lib/monitoring/skupper-router-pod-monitor";
import { DeploymentStack } from "./deployment-stack";
import { databaseSites, stackNames } from "./naming";
import { PkiStack } from "./pki-stack";
import { PlatformStack } from "./platform-stack";
import { connectToSite } from "./site-connection";
import type { Site, Topology } from "./topology/types";

export interface DatabaseStackProps {
  readonly topology: Topology;
  readonly site: KubernetesSite;
  /** The same site as the topology file describes it. */
  readonly siteSpec: Site;
  readonly platform: PlatformStack;
  /** Its certificates' hashes roll the pods when a re-apply renewed them. */
  readonly pki: PkiStack;
  /** What the CockroachDB ServiceAccount and pods carry so the cloud's workload identity reaches the backup storage. */
  readonly backupIdentity?: WorkloadIdentityBinding;
  /** This site holds the root client certificate, so its scale-down Job may decommission. */
  readonly holdsRootClient: boolean;
  /** Run the idle SQL client pod here (runsSqlClientPod). */
  readonly sqlClientPod: boolean;
}

/**
 * One site's share of the database and its place in the Skupper network: the Site (waited
 * on until its load balancer has an address), a Connector per local pod and a Listener per
 * remote pod, the CockroachDB StatefulSet with its Services, and a SQL client.
 */
export class DatabaseStack extends DeploymentStack {
  readonly skupperSite: SkupperSite;
  readonly database: CockroachStatefulSet;

  constructor(scope: Construct, props: DatabaseStackProps) {
    const { topology, site, siteSpec, platform } = props;
    super(scope, stackNames.database(site.siteName), topology.backend);
    // The namespace, Secrets, CRDs and site CA are only referenced by name from here.
    this.addDependency(platform);
    const { kubernetes } = connectToSite(this, site, topology);
    const namespace = topology.namespace;

    this.skupperSite = new SkupperSite(this, "skupper-site", {
      provider: kubernetes,
      siteName: site.siteName,
      namespace,
      routerSizing: platform.routerSizingName,
      linkAccess: siteSpec.linkAccess,
    });

    const sites = databaseSites(topology);
    this.database = new CockroachStatefulSet(this, "cockroachdb", {
      provider: kubernetes,
      siteName: site.siteName,
      sites,
      namespace,
      clusterDomain: topology.clusterDomain,
      locality: { cloud: siteSpec.cloud, region: siteSpec.region },
      image: topology.cockroach.image,
      cpu: topology.cockroach.cpu,
      memory: topology.cockroach.memory,
      storageSize: topology.cockroach.storageSize,
      storageClassName: platform.storageClassName,
      serviceAccountAnnotations: props.backupIdentity?.serviceAccountAnnotations,
      podLabels: props.backupIdentity?.podLabels,
      // The platform stack, a stage earlier, has already written the renewed certificate.
      certificateRevision: certificateRevision(props.pki.clusterCa.certPem, props.pki.nodeCertificate(site.siteName).certPem),
    });

    // Nodes a lower replica count removes are decommissioned before the StatefulSet shrinks.
    const scaleDown = new CockroachScaleDown(this, "scale-down", {
      provider: kubernetes,
      siteName: site.siteName,
      sites,
      survivalGoal: topology.survivalGoal,
      namespace,
      image: topology.cockroach.image,
      ...(props.holdsRootClient
        ? { clientCertsSecretName: ROOT_CLIENT_CERTS_SECRET, sqlUser: "root" }
        : {
            clientCertsSecretName: OPERATOR_CLIENT_CERTS_SECRET,
            sqlUser: OPERATOR_SQL_USER,
            withoutRootFix: `add "${site.siteName}" to cockroach.rootClientSites, deploy (this site then holds the root client certificate and this Job decommissions them), and remove it again once the site has shrunk.`,
          }),
    });
    // A new image rolls one site at a time, with the downgrade option set before a new major starts.
    const image = topology.cockroach.image ?? COCKROACH_IMAGE;
    if (cockroachImageVersion("cockroach.image", image)) {
      const rolloutGuard = new CockroachRolloutGuard(this, "rollout-guard", {
        provider: kubernetes,
        siteName: site.siteName,
        sites,
        namespace,
        image,
        // Lists the nodes and sets a cluster setting: the operator suffices, in every site.
        clientCertsSecretName: OPERATOR_CLIENT_CERTS_SECRET,
        sqlUser: OPERATOR_SQL_USER,
      });
      addDependsOn(this.database.statefulSet, scaleDown.job, rolloutGuard.job);
      const statefulSet = this.database.statefulSet;
      statefulSet.lifecycle = { ...statefulSet.lifecycle, precondition: [...(statefulSet.lifecycle?.precondition ?? []), rolloutGuard.precondition] };
    } else {
      addDependsOn(this.database.statefulSet, scaleDown.job);
      warn(this, `cockroach.image ${image} names no version: image changes are not guarded (no order between sites, no downgrade protection). Tag it with vX.Y.Z@sha256:<digest>.`);
    }

    new SkupperPodExposure(this, "pod-exposure", {
      provider: kubernetes,
      namespace,
      localPods: this.database.podNames,
      remotePods: remotePodNames(sites, site.siteName),
      localServiceNames: this.database.serviceNames,
    });

    const monitoring = siteSpec.monitoring;
    if (monitoring.prometheusOperator) {
      const labels = monitoring.labels;
      const monitor = new CockroachServiceMonitor(this, "metrics", { provider: kubernetes, statefulSetName: this.database.name, namespace, labels });
      new CockroachAlertRules(this, "alerts", {
        provider: kubernetes,
        job: monitor.job,
        namespace,
        labels,
        expectedNodes: sites.reduce((sum, s) => sum + s.replicas, 0),
        backupMaxAgeHours: monitoring.backupMaxAgeHours > 0 ? monitoring.backupMaxAgeHours : undefined,
      });
      new SkupperRouterPodMonitor(this, "router-metrics", { provider: kubernetes, namespace, labels });
      if (topology.security.networkPolicies && topology.security.metricsNamespaces.length === 0) {
        warn(
          this,
          `Site "${site.siteName}" has monitoring.prometheusOperator but the NetworkPolicies admit no scraper: list Prometheus's namespace in security.metricsNamespaces.`,
        );
      }
    }

    // The cluster stack's credentials command names a managed site's kubectl context after the site.
    // Quoted for the shell word by word (the kubeconfig path and context are the user's text),
    // then escaped so Terraform prints the command as written.
    const kubectl =
      siteSpec.cloud === "existing"
        ? `kubectl --kubeconfig ${shellPath(siteSpec.kubeconfig.path)} ${shellCommand(["--context", siteSpec.kubeconfig.context, "--namespace", namespace])}`
        : shellCommand(["kubectl", "--context", site.siteName, "--namespace", namespace]);
    if (props.sqlClientPod) {
      new CockroachSqlClient(this, "sql-client", {
        provider: kubernetes,
        namespace,
        image: topology.cockroach.image,
        certificateRevision: certificateRevision(props.pki.clusterCa.certPem, props.pki.rootClient.certPem),
      });
      new TerraformOutput(this, "sql_shell", {
        description: "Opens a SQL shell as root (after kubectl credentials for this site).",
        value: terraformLiteral(`${kubectl} exec -it deploy/cockroachdb-client -- cockroach sql`),
      });
    }
    const admin = topology.cockroach.adminUser;
    new TerraformOutput(this, "db_console", {
      description: `Forwards the DB Console to https://localhost:8080; log in as ${admin} with the password that the db_console_password output's command prints.`,
      value: terraformLiteral(`${kubectl} port-forward svc/${DEFAULT_PUBLIC_SERVICE} 8080`),
    });
    // A command, not the password: this output is not sensitive, the Secret is.
    new TerraformOutput(this, "db_console_password", {
      description: `Prints the DB Console password of ${admin} from the Secret ${sqlUserSecretName(admin)}.`,
      value: terraformLiteral(`${kubectl} ${shellCommand(["get", "secret", sqlUserSecretName(admin), "-o", "go-template={{.data.password | base64decode}}"])}`),
    });
  }
}

/** Changes whenever one of the certificates does; hashing keeps the PEM out of the pod spec. */
function certificateRevision(...certPems: string[]): string {
  return Fn.sha256(Fn.join("\n", certPems));
}
