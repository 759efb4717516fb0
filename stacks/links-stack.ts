import { Construct } from "constructs";
import { KubernetesSite } from "../lib/sites/kubernetes-site";
import { SkupperLink } from "../lib/skupper/link";
import { SkupperLinkPlan } from "../lib/skupper/mesh";
import { DeploymentStack } from "./deployment-stack";
import { DatabaseStack } from "./database-stack";
import { stackNames } from "./naming";
import { PkiStack } from "./pki-stack";
import { connectToSite } from "./site-connection";
import type { Topology } from "./topology/types";

export interface LinksStackProps {
  readonly topology: Topology;
  /** The dialling site: the links are created in its cluster. */
  readonly site: KubernetesSite;
  /** Links FROM this site, each with the database stack of the site it dials. */
  readonly links: ReadonlyArray<{ readonly plan: SkupperLinkPlan; readonly target: DatabaseStack }>;
  readonly ownDatabase: DatabaseStack;
  readonly pki: PkiStack;
}

/**
 * The links this site dials: for each peer, a Secret with a client certificate from the
 * peer's site CA and a Link to the endpoints the peer's Site published. A stage after the
 * database stacks, because the endpoints exist only once each peer's load balancer does.
 */
export class LinksStack extends DeploymentStack {
  constructor(scope: Construct, props: LinksStackProps) {
    const { topology, site, pki } = props;
    super(scope, stackNames.links(site.siteName), topology.backend);
    // The Link needs this site's own Site (the router that dials) to exist.
    this.addDependency(props.ownDatabase);
    const { kubernetes } = connectToSite(this, site, topology);

    for (const { plan, target } of props.links) {
      const certificate = pki.linkCertificate(plan);
      new SkupperLink(this, `link-to-${plan.to}`, {
        provider: kubernetes,
        namespace: topology.namespace,
        fromSite: plan.from,
        toSite: plan.to,
        clientCertPem: certificate.certPem,
        clientPrivateKeyPem: certificate.privateKeyPem,
        targetCaCertPem: pki.siteCa(plan.to).certPem,
        targetLinkEndpoints: target.skupperSite.linkEndpoints,
      });
    }
  }
}
