import { FINALIZER_FREE_DELETE_TIMEOUT } from "../core/credential-lifetimes";
import { Fn, Token, forExpression } from "cdktf";
import { Construct } from "constructs";
import { Manifest } from "@cdktf/provider-kubernetes/lib/manifest";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { DEFAULT_NAMESPACE } from "../core/naming";
import { checkDuration, goDuration } from "../core/units";
import { checkInteger, checkNamespace, fail } from "../core/validation";
import { SKUPPER_API_VERSION, SKUPPER_WAIT_MINUTES, checkSkupperSiteName, skupperRouterGroups } from "./mesh";

export interface SkupperLinkProps {
  readonly provider: KubernetesProvider;
  /**
   * The site namespace (in the dialling cluster).
   * @default "cockroachdb"
   */
  readonly namespace?: string;
  /** The dialling site, whose cluster this construct writes to. */
  readonly fromSite: string;
  /** The dialled site. */
  readonly toSite: string;
  /** Client certificate from toSite's SkupperSiteCa.issueLinkClientCertificate. */
  readonly clientCertPem: string;
  /** Its private key (PKCS#1). */
  readonly clientPrivateKeyPem: string;
  /** toSite's CA certificate (SkupperSiteCa.certPem): what the router checks toSite's server certificate against. */
  readonly targetCaCertPem: string;
  /**
   * toSite's SkupperSite.linkEndpoints: JSON of `Site.status.endpoints`. Usually a token
   * from another stack (filtered per group by Terraform); a literal JSON string is checked
   * and filtered at synth.
   */
  readonly targetLinkEndpoints: string;
  /**
   * Whether toSite is HA (two router groups, one Link each).
   * @default false
   */
  readonly targetHa?: boolean;
  /**
   * Routing cost of the link; the router treats anything below 1 as 1.
   * @default the router's default (1)
   */
  readonly cost?: number;
  /**
   * Wait until the controller reports the Link Ready (connected). Later stages (cluster
   * init) need the network up; turn off to apply a site while a peer is down.
   * @default true
   */
  readonly waitForReady?: boolean;
  /**
   * How long create/update waits for Ready; within the 15-minute EKS token (a timed-out Link
   * is replaced on the next apply, which is harmless).
   * @default 10
   */
  readonly readyTimeoutMinutes?: number;
}

/** One entry of Site.status.endpoints / Link.spec.endpoints (pkg/apis/skupper/v2alpha1 Endpoint). */
export interface SkupperEndpoint {
  readonly name: string;
  readonly host: string;
  /** A string in the CRD, e.g. "55671". */
  readonly port: string;
  readonly group: string;
}

/**
 * A link FROM `fromSite` TO `toSite`, declared in fromSite's cluster: a kubernetes.io/tls
 * Secret (the controller ignores Opaque ones) with a client certificate signed by toSite's
 * CA, `ca.crt` = toSite's CA, and a `Link` per router group of toSite carrying that group's
 * endpoints (inter-router 55671, edge 45671). The router dials the first endpoint whose name
 * is its role (LinkSpec.GetEndpointForRole), so a Link must not mix groups - the controller's
 * own token generator also emits one Link per group, sharing one Secret.
 */
export class SkupperLink extends Construct {
  public readonly secret: SecretV1;
  public readonly links: readonly Manifest[];

  constructor(scope: Construct, id: string, props: SkupperLinkProps) {
    super(scope, id);
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const fromSite = checkSkupperSiteName("fromSite", props.fromSite);
    const toSite = checkSkupperSiteName("toSite", props.toSite);
    if (fromSite === toSite) fail("toSite", toSite, "A site does not link to itself; name the peer it dials.");
    const cost = props.cost === undefined ? undefined : checkInteger("cost", props.cost, 1);
    const groups = skupperRouterGroups(props.targetHa ?? false);
    const endpointsOf = endpointsPerGroup(props.targetLinkEndpoints);

    const name = `link-to-${toSite}`;
    this.secret = new SecretV1(this, "credentials", {
      provider: props.provider,
      metadata: { name, namespace },
      type: "kubernetes.io/tls",
      data: { "tls.crt": props.clientCertPem, "tls.key": props.clientPrivateKeyPem, "ca.crt": props.targetCaCertPem },
    });
    const waitForReady = props.waitForReady ?? true;
    const readyTimeout = goDuration(checkDuration("readyTimeoutMinutes", props.readyTimeoutMinutes ?? 10, "minutes", SKUPPER_WAIT_MINUTES), "minutes");
    this.links = groups.map(
      (group, i) =>
        new Manifest(this, `link-${group}`, {
          provider: props.provider,
          manifest: {
            apiVersion: SKUPPER_API_VERSION,
            kind: "Link",
            metadata: { name: i === 0 ? name : `${name}-${i + 1}`, namespace },
            spec: { tlsCredentials: name, endpoints: endpointsOf(group), ...(cost === undefined ? {} : { cost }) },
          },
          wait: waitForReady ? { fields: { "status.status": "^Ready$" } } : undefined,
          timeouts: { create: readyTimeout, update: readyTimeout, delete: FINALIZER_FREE_DELETE_TIMEOUT },
          dependsOn: [this.secret],
        }),
    );
  }
}

/**
 * Per-group endpoint lists. A token becomes a Terraform for-expression over the decoded JSON,
 * which must be known at plan (kubernetes_manifest plans against the CRD's types): it is, as
 * the peer's database stack was applied a stage earlier. A literal is parsed, checked and
 * filtered now, so a wrong literal fails at synth.
 */
function endpointsPerGroup(json: string): (group: string) => unknown {
  if (Token.isUnresolved(json)) {
    return (group) => forExpression(Fn.jsondecode(json), `val if val.group == "${group}"`);
  }
  const endpoints = parseEndpoints(json);
  return (group) => {
    const mine = endpoints.filter((e) => e.group === group);
    if (!mine.some((e) => e.name === "inter-router")) {
      fail(
        "targetLinkEndpoints",
        json,
        `No "inter-router" endpoint for router group "${group}"; copy toSite's Site.status.endpoints once it is Ready (targetHa must match toSite's ha).`,
      );
    }
    return mine;
  };
}

function parseEndpoints(json: string): SkupperEndpoint[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  const isEndpoint = (e: unknown): e is SkupperEndpoint =>
    typeof e === "object" &&
    e !== null &&
    ["name", "host", "port", "group"].every((k) => typeof (e as Record<string, unknown>)[k] === "string" && (e as Record<string, string>)[k] !== "");
  if (!Array.isArray(parsed) || !parsed.every(isEndpoint)) {
    fail(
      "targetLinkEndpoints",
      json,
      'Give a JSON list of {"name","host","port","group"} with non-empty string values (port too, e.g. "55671"), as in Site.status.endpoints.',
    );
  }
  return parsed.map(({ name, host, port, group }) => ({ name, host, port, group }));
}
