import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { SqlUserPassword } from "../lib/database/sql-user-password";
import { sqlUserSecretName } from "../lib/database/sql-users";
import { ClientCertificate } from "../lib/database/client-certificate";
import { OPERATOR_SQL_USER } from "../lib/database/common";
import { ClusterCa } from "../lib/database/cluster-ca";
import { NodeCertificate } from "../lib/database/node-certificate";
import { SkupperLinkClientCertificate, SkupperSiteCa } from "../lib/skupper/site-ca";
import { SkupperLinkPlan } from "../lib/skupper/mesh";
import { warn } from "../lib/core/warnings";
import { DeploymentStack } from "./deployment-stack";
import { PKI_STACK } from "./naming";
import { sqlUsers } from "./sql";
import type { Topology } from "./topology/types";

export interface PkiStackProps {
  readonly topology: Topology;
  readonly links: readonly SkupperLinkPlan[];
}

/**
 * Every key and certificate of the deployment: the database's one CA, a node certificate per
 * site, the root client certificate, the operator client certificate of the per-site Jobs, a
 * Skupper CA per site and a client certificate per link.
 * Its state holds every private key, so its backend must be encrypted and access-controlled.
 */
export class PkiStack extends DeploymentStack {
  readonly clusterCa: ClusterCa;
  readonly rootClient: ClientCertificate;
  /** OPERATOR_SQL_USER's: what the per-site Jobs authenticate with where the root certificate is not. */
  readonly operatorClient: ClientCertificate;
  private readonly nodeCertificates = new Map<string, NodeCertificate>();
  private readonly siteCas = new Map<string, SkupperSiteCa>();
  private readonly linkCertificates = new Map<string, SkupperLinkClientCertificate>();
  /** Generated SQL passwords by user: the admin user and every user without a Secret of its own. */
  readonly sqlPasswords: ReadonlyMap<string, SqlUserPassword>;

  constructor(scope: Construct, props: PkiStackProps) {
    super(scope, PKI_STACK, props.topology.backend);
    const { topology } = props;
    const provider = new TlsProvider(this, "tls", {});
    if (topology.backend.type === "local") {
      warn(
        this,
        `The local backend writes every private key (database CA, node, root and operator client, Skupper site CAs and links) in plain files under ${topology.backend.directory} (the pki, platform and links states); use an encrypted remote backend for anything but a trial (README "Security notes").`,
      );
    }

    this.clusterCa = new ClusterCa(this, "cluster-ca", { provider });
    this.rootClient = new ClientCertificate(this, "root-client", { provider, ca: this.clusterCa, user: "root" });
    this.operatorClient = new ClientCertificate(this, "operator-client", { provider, ca: this.clusterCa, user: OPERATOR_SQL_USER });
    for (const site of topology.sites) {
      this.nodeCertificates.set(
        site.name,
        new NodeCertificate(this, `node-${site.name}`, {
          provider,
          ca: this.clusterCa,
          namespace: topology.namespace,
          clusterDomain: topology.clusterDomain,
        }),
      );
      this.siteCas.set(site.name, new SkupperSiteCa(this, `skupper-ca-${site.name}`, { provider, siteName: site.name }));
    }
    // Secrets too: generated here, beside the keys, so every site's platform stack gets the same ones.
    const random = new RandomProvider(this, "random", {});
    const passwords = new Map<string, SqlUserPassword>();
    for (const user of sqlUsers(topology).filter((u) => u.passwordSecret === undefined)) {
      passwords.set(user.name, new SqlUserPassword(this, `sql-password-${user.name}`, { provider: random, user: user.name }));
    }
    this.sqlPasswords = passwords;
    new TerraformOutput(this, "admin_password", {
      description: `Password of the SQL user ${topology.cockroach.adminUser} (DB Console login); also in Secret ${sqlUserSecretName(topology.cockroach.adminUser)} of every site.`,
      value: passwords.get(topology.cockroach.adminUser)!.value,
      sensitive: true,
    });
    for (const link of props.links) {
      this.linkCertificates.set(
        linkKey(link),
        this.siteCa(link.to).issueLinkClientCertificate(`link-${link.from}-to-${link.to}`, { dialingSite: link.from }),
      );
    }
  }

  nodeCertificate(siteName: string): NodeCertificate {
    return required(this.nodeCertificates, siteName, "node certificate");
  }

  siteCa(siteName: string): SkupperSiteCa {
    return required(this.siteCas, siteName, "Skupper site CA");
  }

  linkCertificate(link: SkupperLinkPlan): SkupperLinkClientCertificate {
    return required(this.linkCertificates, linkKey(link), "link certificate");
  }
}

function linkKey(link: SkupperLinkPlan): string {
  return `${link.from}->${link.to}`;
}

function required<T>(map: ReadonlyMap<string, T>, key: string, what: string): T {
  const value = map.get(key);
  if (value === undefined) throw new Error(`The pki stack has no ${what} for ${key}.`);
  return value;
}
