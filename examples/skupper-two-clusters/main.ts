/**
 * The Skupper constructs on their own: two clusters you already run, joined into one
 * CockroachDB cluster by Skupper 2.2.1 with no manual step. Terraform makes each site's CA, so
 * the link credentials exist before either Site does; the stages follow from what Terraform can
 * plan: the controller (and with it the CRDs) is installed before any Skupper object is
 * planned, and the Link is planned once the dialled Site has published its endpoints.
 * `cdktf deploy '*'` from this directory (KUBECONFIG with the contexts `east` and `west`).
 */
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
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
  SkupperController,
  SkupperLink,
  SkupperLinkClientCertificate,
  SkupperPodExposure,
  SkupperRouterSizing,
  SkupperSite,
  SkupperSiteCa,
  SkupperSiteCaSecret,
  addDependsOn,
  remotePodNames,
  statefulSetName,
} from "../../lib";

const NAMESPACE = "cockroachdb";

export interface TwoClustersProps {
  readonly kubeconfigPath: string;
  /** The site that dials; its kubeconfig context has the same name. */
  readonly dialing: string;
  /** The site that is dialled (it needs a reachable load balancer). */
  readonly dialled: string;
  readonly storageClassName: string;
}

/** Every key: the database CA and certificates, a Skupper CA per site, the one link's client certificate. */
class PkiStack extends TerraformStack {
  readonly ca: ClusterCa;
  readonly nodeCertificate: NodeCertificate;
  readonly rootCertificate: ClientCertificate;
  readonly siteCas: Record<string, SkupperSiteCa>;
  readonly linkCertificate: SkupperLinkClientCertificate;

  constructor(scope: Construct, props: TwoClustersProps) {
    super(scope, "pki");
    const provider = new TlsProvider(this, "tls", {});
    this.ca = new ClusterCa(this, "ca", { provider });
    this.nodeCertificate = new NodeCertificate(this, "node", { provider, ca: this.ca, namespace: NAMESPACE });
    this.rootCertificate = new ClientCertificate(this, "root", { provider, ca: this.ca });
    this.siteCas = Object.fromEntries([props.dialing, props.dialled].map((siteName) => [siteName, new SkupperSiteCa(this, `${siteName}-site-ca`, { provider, siteName })]));
    this.linkCertificate = this.siteCas[props.dialled].issueLinkClientCertificate("link", { dialingSite: props.dialing });
  }
}

/** The controller (it installs the CRDs), the namespace and every Secret, before any Skupper object. */
class PlatformStack extends TerraformStack {
  constructor(scope: Construct, site: ExistingClusterSite, pki: PkiStack) {
    super(scope, `${site.siteName}-platform`);
    const { kubernetes, helm } = site.connect(this, "cluster");
    const namespace = new NamespaceV1(this, "namespace", { provider: kubernetes, metadata: { name: NAMESPACE } });
    // Namespace-scoped (the default): it runs in, and may act only in, the site namespace.
    const controller = new SkupperController(this, "skupper", { provider: helm, namespace: namespace.metadata.name });
    new SkupperRouterSizing(this, "router-sizing", { provider: kubernetes, controllerNamespace: controller.namespace });
    const ca = pki.siteCas[site.siteName];
    const secrets = [
      new SkupperSiteCaSecret(this, "site-ca", { provider: kubernetes, caCertPem: ca.certPem, caPrivateKeyPem: ca.privateKeyPem }),
      new CockroachCertsSecret(this, "node-certs", { provider: kubernetes, name: NODE_CERTS_SECRET, caCertPem: pki.ca.certPem, certificate: pki.nodeCertificate }),
      new CockroachCertsSecret(this, "root-certs", { provider: kubernetes, name: ROOT_CLIENT_CERTS_SECRET, caCertPem: pki.ca.certPem, certificate: pki.rootCertificate }),
    ];
    for (const secret of secrets) addDependsOn(secret, namespace);
  }
}

/** The Site (waited on until Ready), the pods' exposure and the database. */
class DatabaseStack extends TerraformStack {
  readonly skupperSite: SkupperSite;

  constructor(scope: Construct, site: ExistingClusterSite, sites: readonly DatabaseSiteNames[], platform: PlatformStack) {
    super(scope, `${site.siteName}-database`);
    this.addDependency(platform);
    const { kubernetes } = site.connect(this, "cluster");
    this.skupperSite = new SkupperSite(this, "site", { provider: kubernetes, siteName: site.siteName });
    const database = new CockroachStatefulSet(this, "cockroachdb", {
      provider: kubernetes,
      siteName: site.siteName,
      sites,
      locality: { cloud: "on-prem", region: site.region },
      storageClassName: site.storageClassName,
    });
    new SkupperPodExposure(this, "exposure", {
      provider: kubernetes,
      localPods: database.podNames,
      remotePods: remotePodNames(sites, site.siteName),
      localServiceNames: database.serviceNames,
    });
  }
}

/** The dialling site's Link, with the dialled Site's endpoints read from its database stack. */
class LinksStack extends TerraformStack {
  constructor(scope: Construct, site: ExistingClusterSite, target: DatabaseStack, pki: PkiStack, own: DatabaseStack) {
    super(scope, `${site.siteName}-links`);
    this.addDependency(own);
    const { kubernetes } = site.connect(this, "cluster");
    new SkupperLink(this, "link", {
      provider: kubernetes,
      fromSite: site.siteName,
      toSite: target.skupperSite.siteName,
      clientCertPem: pki.linkCertificate.certPem,
      clientPrivateKeyPem: pki.linkCertificate.privateKeyPem,
      targetCaCertPem: pki.siteCas[target.skupperSite.siteName].certPem,
      targetLinkEndpoints: target.skupperSite.linkEndpoints,
    });
  }
}

class InitStack extends TerraformStack {
  constructor(scope: Construct, first: ExistingClusterSite, sites: readonly DatabaseSiteNames[], after: readonly TerraformStack[]) {
    super(scope, "cluster-init");
    for (const stack of after) this.addDependency(stack);
    const { kubernetes } = first.connect(this, "cluster");
    // Two sites cannot survive losing one (no majority without it): zone survival.
    new CockroachClusterInit(this, "init", { provider: kubernetes, sites, survivalGoal: "zone" });
  }
}

export function buildSkupperTwoClusters(app: App, props: TwoClustersProps): void {
  const pki = new PkiStack(app, props);
  const [dialing, dialled] = [props.dialing, props.dialled].map(
    (siteName) =>
      new ExistingClusterSite(app, siteName, { siteName, region: siteName, storageClassName: props.storageClassName, kubeconfigPath: props.kubeconfigPath, kubeconfigContext: siteName }),
  );
  const sites = [dialing, dialled].map((site) => ({ siteName: site.siteName, statefulSetName: statefulSetName("crdb", site.siteName), replicas: 3 }));
  const [dialingDb, dialledDb] = [dialing, dialled].map((site) => new DatabaseStack(app, site, sites, new PlatformStack(app, site, pki)));
  const links = new LinksStack(app, dialing, dialledDb, pki, dialingDb);
  new InitStack(app, dialing, sites, [dialingDb, dialledDb, links]);
}

if (require.main === module) {
  const app = new App();
  buildSkupperTwoClusters(app, { kubeconfigPath: process.env.KUBECONFIG ?? "~/.kube/config", dialing: "east", dialled: "west", storageClassName: "standard" });
  app.synth();
}
