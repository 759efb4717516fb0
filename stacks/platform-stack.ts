import { Construct } from "constructs";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { waitBudgetMinutes } from "../lib/core/credential-lifetimes";
import { addDependsOn } from "../lib/core/dependencies";
import { NODE_CERTS_SECRET, OPERATOR_CLIENT_CERTS_SECRET, ROOT_CLIENT_CERTS_SECRET } from "../lib/database/common";
import { CockroachCertsSecret } from "../lib/database/cockroach-certs-secret";
import { SqlUserSecret } from "../lib/database/sql-user-secret";
import { KubernetesSite } from "../lib/sites/kubernetes-site";
import { SkupperController } from "../lib/skupper/controller";
import { SkupperRouterServiceTemplate } from "../lib/skupper/router-service-template";
import { SkupperRouterSizing } from "../lib/skupper/router-sizing";
import { SkupperSiteCaSecret } from "../lib/skupper/site-ca-secret";
import { DatabaseNetworkPolicies } from "../lib/security/database-network-policies";
import { warn } from "../lib/core/warnings";
import { DeploymentStack } from "./deployment-stack";
import type { LinkSources } from "./link-sources";
import { stackNames } from "./naming";
import { PkiStack } from "./pki-stack";
import { connectToSite } from "./site-connection";
import type { Site, Topology } from "./topology/types";

const CONTROLLER_TIMEOUT_MINUTES = 5;

export interface PlatformStackProps {
  readonly topology: Topology;
  readonly site: KubernetesSite;
  /** The same site as the topology file describes it. */
  readonly siteSpec: Site;
  readonly pki: PkiStack;
  /** This site gets the root client certificate (rootClientSiteNames). */
  readonly holdsRootClient: boolean;
  /** Who may reach this site's router load balancer (see linkSourcesOf). */
  readonly linkSources?: LinkSources;
}

/**
 * What the database stage needs to exist in a cluster first: the namespace, the StorageClass,
 * the certificate Secrets, the Skupper controller with its CRDs, the router sizing profile,
 * the router Service template and the site CA (which must exist before the Site).
 */
export class PlatformStack extends DeploymentStack {
  readonly namespace: NamespaceV1;
  readonly storageClassName: string;
  readonly routerSizingName: string;

  constructor(scope: Construct, props: PlatformStackProps) {
    const { topology, site, siteSpec, pki } = props;
    super(scope, stackNames.platform(site.siteName), topology.backend);
    const { kubernetes, helm } = connectToSite(this, site, topology);

    // Destroying the namespace waits until it is gone, which is after the cloud deleted the
    // Skupper router's load balancer; only then may the cluster stack remove the network.
    // Helm's uninstall may wait before it, and both must end while the site's credential is
    // valid (EKS token: 7 minutes are left); a destroy that stops here resumes when re-run.
    const namespaceDeleteMinutes = Math.min(20, Math.floor(waitBudgetMinutes(site.credentialLifetimeMinutes) - CONTROLLER_TIMEOUT_MINUTES));
    this.namespace = new NamespaceV1(this, "namespace", {
      provider: kubernetes,
      metadata: { name: topology.namespace, labels: { "app.kubernetes.io/part-of": "cockroachdb" } },
      timeouts: { delete: `${namespaceDeleteMinutes}m` },
    });
    const namespace = this.namespace.metadata.name;
    this.storageClassName = site.ensureStorageClass(this, "storage-class", kubernetes);
    const { security } = topology;
    if (security.networkPolicies) {
      // Before any workload exists, so no pod ever runs unprotected.
      new DatabaseNetworkPolicies(this, "network-policies", {
        provider: kubernetes,
        namespace,
        sqlClientNamespaces: security.sqlClientNamespaces,
        sqlClientCidrs: security.sqlClientCidrs,
        httpCidrs: security.httpCidrs,
        metricsNamespaces: security.metricsNamespaces,
      });
    }

    const ca = pki.clusterCa.certPem;
    // The namespace's name as a reference, so Terraform creates the Secrets after it.
    new CockroachCertsSecret(this, "node-certs", {
      provider: kubernetes,
      name: NODE_CERTS_SECRET,
      namespace,
      caCertPem: ca,
      certificate: pki.nodeCertificate(site.siteName),
    });
    // Root only where it is needed (the init site, the SQL client pod, sites asked for); the
    // per-site Jobs everywhere else authenticate as the operator, which may call no node RPC.
    if (props.holdsRootClient) {
      new CockroachCertsSecret(this, "root-client-certs", {
        provider: kubernetes,
        name: ROOT_CLIENT_CERTS_SECRET,
        namespace,
        caCertPem: ca,
        certificate: pki.rootClient,
      });
    }
    new CockroachCertsSecret(this, "operator-client-certs", {
      provider: kubernetes,
      name: OPERATOR_CLIENT_CERTS_SECRET,
      namespace,
      caCertPem: ca,
      certificate: pki.operatorClient,
    });

    // Every site gets the generated SQL passwords, so applications anywhere read them locally.
    for (const [user, password] of pki.sqlPasswords) {
      new SqlUserSecret(this, `sql-user-${user}`, { provider: kubernetes, namespace, user, password: password.value });
    }

    const siteCa = pki.siteCa(site.siteName);
    new SkupperSiteCaSecret(this, "skupper-site-ca", {
      provider: kubernetes,
      namespace,
      caCertPem: siteCa.certPem,
      caPrivateKeyPem: siteCa.privateKeyPem,
    });
    const linkSources = props.linkSources ?? {};
    if (linkSources.warning) warn(this, linkSources.warning);
    new SkupperRouterServiceTemplate(this, "skupper-router-service", {
      provider: kubernetes,
      namespace,
      annotations: site.loadBalancerAnnotations,
      loadBalancerSourceRanges: linkSources.cidrs,
    });

    const namespaceScoped = topology.skupper.controllerScope === "namespace";
    const controller = new SkupperController(this, "skupper-controller", {
      provider: helm,
      scope: topology.skupper.controllerScope,
      // The namespace as a reference: Helm installs into it after it exists and uninstalls
      // before it is deleted (after the database stage has deleted the Site).
      namespace: namespaceScoped ? namespace : undefined,
      timeoutMinutes: CONTROLLER_TIMEOUT_MINUTES,
      linkAccess: siteSpec.linkAccess,
      clusterHost: siteSpec.cloud === "existing" ? siteSpec.nodePortHost : undefined,
    });
    const sizing = new SkupperRouterSizing(this, "skupper-router-sizing", {
      provider: kubernetes,
      controllerNamespace: controller.namespace,
    });
    // The sizing ConfigMap lives in the controller's namespace, which in cluster scope the chart creates.
    if (!namespaceScoped) addDependsOn(sizing, controller.release);
    this.routerSizingName = sizing.sizingName;
  }
}
