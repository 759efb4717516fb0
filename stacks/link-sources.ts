import type { KubernetesSite } from "../lib/sites/kubernetes-site";
import type { SkupperLinkPlan } from "../lib/skupper/mesh";
import type { Topology } from "./topology/types";

/** What a site's Skupper router load balancer admits. */
export interface LinkSources {
  /** Source CIDRs of the router Service(s); undefined: unrestricted. */
  readonly cidrs?: readonly string[];
  /** Why the router stays open although it should not, for a synth warning. */
  readonly warning?: string;
}

/**
 * The sources the router of `topology.sites[index]` should admit: the egress addresses of the
 * sites that dial it (a link is dialled by one side only, planLinks), or the site's own
 * `linkSourceCidrs`. A site no peer dials still gets a load balancer, and a source-range list
 * cannot be empty (empty means everyone): it admits the other sites' known addresses, which is
 * also where a re-planned mesh would dial it from. `sites` are in topology order.
 */
export function linkSourcesOf(topology: Topology, sites: readonly KubernetesSite[], plans: readonly SkupperLinkPlan[], index: number): LinkSources {
  const spec = topology.sites[index];
  if (!topology.skupper.restrictLinkSources || spec.linkAccess !== "loadbalancer") return {};
  if (spec.linkSourceCidrs) return { cidrs: spec.linkSourceCidrs };
  const indexOf = (name: string) => topology.sites.findIndex((s) => s.name === name);
  const dialers = plans.filter((plan) => plan.to === spec.name).map((plan) => indexOf(plan.from));
  const peers = dialers.length > 0 ? dialers : topology.sites.map((_, i) => i).filter((i) => i !== index && sites[i].egressCidrs !== undefined);
  const unknown = peers.filter((i) => sites[i].egressCidrs === undefined);
  if (peers.length === 0 || unknown.length > 0) {
    const why =
      unknown.length > 0
        ? `the egress addresses of ${unknown.map((i) => `site "${topology.sites[i].name}"`).join(", ")}, which ${unknown.length === 1 ? "dials" : "dial"} it, are unknown; set ${unknown.map((i) => `sites[${i}].egressCidrs`).join(", ")} (the addresses that cluster's outbound traffic leaves from)`
        : "no other site's egress addresses are known; set the other sites' egressCidrs";
    return {
      warning: `Site "${spec.name}": its Skupper router's load balancer accepts connections from the whole internet (links still need a certificate from its site CA), because ${why}, or sites[${index}].linkSourceCidrs, or skupper.restrictLinkSources: false to accept this.`,
    };
  }
  return { cidrs: [...new Set(peers.flatMap((i) => sites[i].egressCidrs!))] };
}
