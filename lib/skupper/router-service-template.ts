import { Token } from "cdktf";
import { Construct } from "constructs";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DEFAULT_NAMESPACE } from "../core/naming";
import { checkNamespace, fail, parseIpv4Cidr } from "../core/validation";
import { skupperRouterGroups } from "./mesh";

/**
 * The annotation Kubernetes defines as the alternative to `spec.loadBalancerSourceRanges`
 * (k8s.io/api core/v1 AnnotationLoadBalancerSourceRangesKey); the AWS, GCE and Azure cloud
 * providers and the AWS Load Balancer Controller honour it. The Skupper controller sets only
 * selector, ports and type on the Service it creates, so an annotation is the one way in.
 */
export const LOAD_BALANCER_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";

export interface SkupperRouterServiceTemplateProps {
  readonly provider: KubernetesProvider;
  /**
   * The site namespace.
   * @default "cockroachdb"
   */
  readonly namespace?: string;
  /**
   * Annotations for the router's LoadBalancer Service(s), e.g. the site's
   * `loadBalancerAnnotations` (on EKS they ask for an NLB instead of a Classic ELB).
   * @default none
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Source CIDRs allowed to reach the router's load balancer (IPv4), e.g. the egress addresses
   * of the sites that dial this one; literals or tokens (another stack's NAT addresses).
   * @default unrestricted (the cloud default, usually 0.0.0.0/0); the link port still demands a client certificate from this site's CA
   */
  readonly loadBalancerSourceRanges?: readonly string[];
}

/**
 * Annotations for the LoadBalancer Service(s) the Skupper controller creates for the Site's
 * link access, through Skupper's label-and-annotation templates: a ConfigMap labelled
 * `skupper.io/label-template` whose own annotations the controller copies onto every object
 * matching its `kind` and `name` data keys (internal/kube/site/labels/registry.go). The
 * controller applies them when it creates the Service and again when it updates it
 * (internal/kube/securedaccess/access.go), so a template added later still lands.
 *
 * It belongs in the platform stack, a stage before the Site, because some annotations only
 * act when the load balancer is created: the cloud reads an AWS load balancer's type
 * (NLB rather than Classic ELB) once, at creation, and never converts it afterwards. One
 * template per router group (an HA Site has a second Service, `skupper-router-2`); a
 * template for a Service that never exists is inert.
 */
export class SkupperRouterServiceTemplate extends Construct {
  /** The annotations the router Service(s) will carry. */
  public readonly annotations: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: SkupperRouterServiceTemplateProps) {
    super(scope, id);
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const annotations: Record<string, string> = { ...(props.annotations ?? {}) };
    Object.keys(annotations).forEach((key) => checkAnnotationKey(`annotations[${JSON.stringify(key)}]`, key));
    const ranges = props.loadBalancerSourceRanges;
    if (ranges !== undefined) {
      if (ranges.length === 0) {
        fail("loadBalancerSourceRanges", ranges, "Give at least one CIDR, or leave the prop out for no restriction.");
      }
      if (LOAD_BALANCER_SOURCE_RANGES_ANNOTATION in annotations) {
        fail(
          "loadBalancerSourceRanges",
          ranges,
          `annotations already sets ${LOAD_BALANCER_SOURCE_RANGES_ANNOTATION}; set the ranges in one place only.`,
        );
      }
      // A token (e.g. `${eip.publicIp}/32`) is only known at apply; literals are checked now.
      ranges.forEach((cidr, i) => Token.isUnresolved(cidr) || parseIpv4Cidr(`loadBalancerSourceRanges[${i}]`, cidr));
      annotations[LOAD_BALANCER_SOURCE_RANGES_ANNOTATION] = ranges.join(",");
    }
    this.annotations = annotations;

    for (const group of skupperRouterGroups(true)) {
      new ConfigMapV1(this, group, {
        provider: props.provider,
        metadata: {
          name: `${group}-service-template`,
          namespace,
          // The controller copies this ConfigMap's labels too; this one it skips.
          labels: { "skupper.io/label-template": "true" },
          annotations,
        },
        data: { kind: "Service", name: group },
      });
    }
  }
}

const ANNOTATION_KEY = /^(([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

function checkAnnotationKey(field: string, key: string): void {
  const prefix = key.includes("/") ? key.slice(0, key.indexOf("/")) : "";
  if (!ANNOTATION_KEY.test(key) || prefix.length > 253) {
    fail(field, key, 'Use a Kubernetes annotation key: an optional DNS-subdomain prefix and "/", then a name of 1-63 letters, digits, "-", "_" or ".".');
  }
}
