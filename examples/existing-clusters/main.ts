/**
 * The library's constructs in your own stacks, against three clusters you already run, whose
 * Skupper sites your platform team has already installed and linked: one stack with the
 * certificates, one per cluster with the database pods and their Skupper exposure, and one
 * that initialises the cluster. `cdktf deploy '*'` from this directory.
 */
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import {
  ClientCertificate,
  ClusterCa,
  CockroachCertsSecret,
  CockroachClusterInit,
  CockroachStatefulSet,
  DatabaseSiteNames,
  ExistingClusterSite,
  NODE_CERTS_SECRET,
  NodeCertificate,
  ROOT_CLIENT_CERTS_SECRET,
  SkupperPodExposure,
  addDependsOn,
  remotePodNames,
  statefulSetName,
} from "../../lib";

export interface ClusterSpec {
  readonly name: string;
  readonly region: string;
  readonly kubeconfigContext: string;
  readonly storageClassName: string;
}

export interface ExistingClustersProps {
  readonly kubeconfigPath: string;
  readonly clusters: readonly ClusterSpec[];
  /** Namespace with a linked Skupper Site in every cluster. */
  readonly namespace: string;
}

class CertificatesStack extends TerraformStack {
  readonly ca: ClusterCa;
  readonly nodeCertificate: NodeCertificate;
  readonly rootCertificate: ClientCertificate;

  constructor(scope: Construct, namespace: string) {
    super(scope, "certificates");
    const provider = new TlsProvider(this, "tls", {});
    this.ca = new ClusterCa(this, "ca", { provider });
    this.nodeCertificate = new NodeCertificate(this, "node", { provider, ca: this.ca, namespace });
    this.rootCertificate = new ClientCertificate(this, "root", { provider, ca: this.ca });
  }
}

class ClusterDatabaseStack extends TerraformStack {
  constructor(scope: Construct, site: ExistingClusterSite, sites: readonly DatabaseSiteNames[], certificates: CertificatesStack, namespace: string) {
    super(scope, `${site.siteName}-database`);
    const { kubernetes } = site.connect(this, "cluster");
    const secrets = [
      new CockroachCertsSecret(this, "node-certs", { provider: kubernetes, namespace, name: NODE_CERTS_SECRET, caCertPem: certificates.ca.certPem, certificate: certificates.nodeCertificate }),
      new CockroachCertsSecret(this, "root-certs", { provider: kubernetes, namespace, name: ROOT_CLIENT_CERTS_SECRET, caCertPem: certificates.ca.certPem, certificate: certificates.rootCertificate }),
    ];
    const database = new CockroachStatefulSet(this, "cockroachdb", {
      provider: kubernetes,
      siteName: site.siteName,
      sites,
      namespace,
      locality: { cloud: "on-prem", region: site.region },
      storageClassName: site.storageClassName,
    });
    addDependsOn(database, ...secrets.map((s) => s.secret));
    new SkupperPodExposure(this, "exposure", {
      provider: kubernetes,
      namespace,
      localPods: database.podNames,
      remotePods: remotePodNames(sites, site.siteName),
      localServiceNames: database.serviceNames,
    });
  }
}

class InitStack extends TerraformStack {
  constructor(scope: Construct, first: ExistingClusterSite, sites: readonly DatabaseSiteNames[], namespace: string, after: readonly TerraformStack[]) {
    super(scope, "cluster-init");
    for (const stack of after) this.addDependency(stack);
    const { kubernetes } = first.connect(this, "cluster");
    new CockroachClusterInit(this, "init", { provider: kubernetes, sites, namespace, survivalGoal: "region" });
  }
}

export function buildExistingClusters(app: App, props: ExistingClustersProps): void {
  const { namespace } = props;
  const certificates = new CertificatesStack(app, namespace);
  const sites = props.clusters.map(
    (cluster) =>
      new ExistingClusterSite(app, cluster.name, {
        siteName: cluster.name,
        region: cluster.region,
        storageClassName: cluster.storageClassName,
        kubeconfigPath: props.kubeconfigPath,
        kubeconfigContext: cluster.kubeconfigContext,
      }),
  );
  const databaseSites = sites.map((site) => ({ siteName: site.siteName, statefulSetName: statefulSetName("crdb", site.siteName), replicas: 3 }));
  const databases = sites.map((site) => new ClusterDatabaseStack(app, site, databaseSites, certificates, namespace));
  new InitStack(app, sites[0], databaseSites, namespace, databases);
}

if (require.main === module) {
  const app = new App();
  buildExistingClusters(app, {
    kubeconfigPath: process.env.KUBECONFIG ?? "~/.kube/config",
    namespace: "cockroachdb",
    clusters: [
      { name: "dc1", region: "eu-north", kubeconfigContext: "dc1", storageClassName: "fast-ssd" },
      { name: "dc2", region: "eu-west", kubeconfigContext: "dc2", storageClassName: "fast-ssd" },
      { name: "dc3", region: "eu-central", kubeconfigContext: "dc3", storageClassName: "fast-ssd" },
    ],
  });
  app.synth();
}
