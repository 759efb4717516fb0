import { App } from "cdktf";
import { ExistingClusterSite } from "../lib/sites/existing-cluster-site";
import { KubernetesSite } from "../lib/sites/kubernetes-site";
import { SkupperLinkPlan, acceptsLinks, planLinks, validateMesh } from "../lib/skupper/mesh";
import { podNames } from "../lib/core/naming";
import { ClusterInitStack, chooseInitSite, rootClientSiteNames, runsSqlClientPod } from "./cluster-init-stack";
import { ClusterStack } from "./cluster-stack";
import { DatabaseStack } from "./database-stack";
import { linkSourcesOf } from "./link-sources";
import { LinksStack } from "./links-stack";
import { databaseSites, existingClusterId } from "./naming";
import { PkiStack } from "./pki-stack";
import { PlatformStack } from "./platform-stack";
import type { Topology } from "./topology/types";

/** The stacks of one deployment, by stage; `cdktf deploy '*'` applies them in this order. */
export interface DeploymentStacks {
  readonly pki: PkiStack;
  readonly clusters: readonly ClusterStack[];
  readonly platforms: readonly PlatformStack[];
  readonly databases: readonly DatabaseStack[];
  readonly links: readonly LinksStack[];
  readonly clusterInit: ClusterInitStack;
  /** Who dials whom: the plan the links stacks and the pki stack's link certificates are built from. */
  readonly linkPlans: readonly SkupperLinkPlan[];
}

/**
 * Adds every stack of `topology` to `app` (DESIGN.md section 4): pki and the clusters, then
 * per site the platform, the database and the links, then the one cluster init.
 */
export function buildDeployment(app: App, topology: Topology): DeploymentStacks {
  validateMesh(
    databaseSites(topology).map((s) => ({ siteName: s.siteName, namespace: topology.namespace, podNames: podNames(s.statefulSetName, s.replicas) })),
  );
  const linkPlans = planLinks(
    topology.sites.map((s) => ({ siteName: s.name, acceptsLinks: acceptsLinks(s.linkAccess) })),
    // A cloud is what fails as a whole: the mesh must stay connected without any one of them.
    { shape: topology.skupper.mesh, failureDomains: Object.fromEntries(topology.sites.map((s) => [s.name, s.cloud])) },
  );
  const pki = new PkiStack(app, { topology, links: linkPlans });

  const clusters = topology.sites.flatMap((site) => (site.cloud === "existing" ? [] : [new ClusterStack(app, { topology, site })]));
  // In topology order, like every per-site list below.
  const kubernetesSites: KubernetesSite[] = topology.sites.map((site) =>
    site.cloud === "existing"
      ? // An existing cluster has no cluster stack; its connection details are plain values.
        new ExistingClusterSite(app, existingClusterId(site.name), {
          siteName: site.name,
          region: site.region,
          zones: site.zones,
          storageClassName: site.storageClassName,
          kubeconfigPath: site.kubeconfig.path,
          kubeconfigContext: site.kubeconfig.context,
          egressCidrs: site.egressCidrs,
        })
      : clusters.find((cluster) => cluster.site.siteName === site.name)!.site,
  );
  const initSiteName = chooseInitSite(kubernetesSites).site.siteName;
  const rootClientSites = rootClientSiteNames(topology, initSiteName);
  const platforms = kubernetesSites.map(
    (site, i) =>
      new PlatformStack(app, {
        topology,
        site,
        siteSpec: topology.sites[i],
        pki,
        holdsRootClient: rootClientSites.has(site.siteName),
        // The dialling sites' NAT addresses come from their cluster stacks (cross-stack references).
        linkSources: linkSourcesOf(topology, kubernetesSites, linkPlans, i),
      }),
  );
  const databases = kubernetesSites.map(
    (site, i) =>
      new DatabaseStack(app, {
        topology,
        site,
        siteSpec: topology.sites[i],
        platform: platforms[i],
        pki,
        holdsRootClient: rootClientSites.has(site.siteName),
        sqlClientPod: runsSqlClientPod(topology.sites[i], initSiteName),
        backupIdentity: clusters.find((cluster) => cluster.site.siteName === site.siteName)?.backupStorage,
      }),
  );
  const indexOf = (siteName: string) => topology.sites.findIndex((s) => s.name === siteName);

  const links = kubernetesSites.flatMap((site, i) => {
    const outgoing = linkPlans.filter((plan) => plan.from === site.siteName);
    if (outgoing.length === 0) return [];
    return [
      new LinksStack(app, {
        topology,
        site,
        links: outgoing.map((plan) => ({ plan, target: databases[indexOf(plan.to)] })),
        ownDatabase: databases[i],
        pki,
      }),
    ];
  });

  const clusterInit = new ClusterInitStack(app, {
    topology,
    sites: kubernetesSites,
    after: [...databases, ...links],
  });
  return { pki, clusters, platforms, databases, links, clusterInit, linkPlans };
}
