import { Construct } from "constructs";
import { MAX_SERVER_CERTIFICATE_VALIDITY_HOURS } from "../core/certificates";
import { DEFAULT_CLUSTER_DOMAIN, DEFAULT_NAMESPACE, nodeCertificateDnsNames } from "../core/naming";
import { checkDnsLabel, checkDnsSubdomain, checkNamespace } from "../core/validation";
import { CaSignedCertificate, CaSignedCertificateProps } from "./ca-signed-certificate";
import { DEFAULT_PUBLIC_SERVICE } from "./common";

export interface NodeCertificateProps extends CaSignedCertificateProps {
  /**
   * A literal or a NamespaceV1's `metadata.name` (which orders these objects after it).
   * @default "cockroachdb"
   */
  readonly namespace?: string;
  /** @default DEFAULT_CLUSTER_DOMAIN */
  readonly clusterDomain?: string;
  /** The client-facing Service in the same namespace; its short name is not covered by the wildcards. @default DEFAULT_PUBLIC_SERVICE */
  readonly publicServiceName?: string;
  /** More DNS names clients dial, e.g. an external load balancer's. @default [] */
  readonly extraDnsNames?: string[];
}

/**
 * A node certificate (`node.crt`/`node.key`): CN `node`, server AND client auth because
 * nodes dial each other with it. Its names are wildcards over `<pod>.<namespace>[.svc[.<domain>]]`,
 * so one certificate serves every pod of a site and scaling needs no new certificate.
 */
export class NodeCertificate extends CaSignedCertificate {
  readonly dnsNames: string[];
  readonly files: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: NodeCertificateProps) {
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const domain = checkDnsSubdomain("clusterDomain", props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
    const publicService = checkDnsLabel("publicServiceName", props.publicServiceName ?? DEFAULT_PUBLIC_SERVICE);
    const extra = (props.extraDnsNames ?? []).map((name, i) => checkDnsSubdomain(`extraDnsNames[${i}]`, name));
    const dnsNames = nodeCertificateDnsNames(namespace, domain, [publicService, ...extra]);
    super(scope, id, props, {
      commonName: "node",
      lifetime: { defaultValidityHours: MAX_SERVER_CERTIFICATE_VALIDITY_HOURS, maxValidityHours: MAX_SERVER_CERTIFICATE_VALIDITY_HOURS, defaultEarlyRenewalHours: 2160 },
      allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
      dnsNames,
      ipAddresses: ["127.0.0.1"],
    });
    this.dnsNames = dnsNames;
    this.files = { "node.crt": this.certPem, "node.key": this.privateKeyPem };
  }
}
