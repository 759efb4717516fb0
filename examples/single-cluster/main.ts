/**
 * CockroachDB on ONE Kubernetes cluster you already have: the database constructs without
 * any cloud or Skupper. `cdktf deploy` from this directory; KUBECONFIG / KUBE_CONTEXT pick
 * the cluster, STORAGE_CLASS the volumes' class (default: the cluster's default class).
 */
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import {
  ClientCertificate,
  CONTROLLER_WRITTEN_ANNOTATIONS,
  ClusterCa,
  CockroachCertsSecret,
  CockroachClusterInit,
  CockroachSqlClient,
  CockroachStatefulSet,
  NODE_CERTS_SECRET,
  NodeCertificate,
  ROOT_CLIENT_CERTS_SECRET,
  addDependsOn,
  statefulSetName,
} from "../../lib";

export interface SingleClusterStackProps {
  readonly kubeconfigPath: string;
  /** @default the kubeconfig's current context */
  readonly kubeconfigContext?: string;
  /** @default "cockroachdb" */
  readonly namespace?: string;
  /** @default the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** @default 3 */
  readonly replicas?: number;
}

export class SingleClusterStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: SingleClusterStackProps) {
    super(scope, id);
    const namespace = props.namespace ?? "cockroachdb";
    const tls = new TlsProvider(this, "tls", {});
    const kubernetes = new KubernetesProvider(this, "kubernetes", {
      configPath: props.kubeconfigPath,
      configContext: props.kubeconfigContext,
      // On GKE, Services get cloud.google.com/neg annotations that Terraform must not revert.
      ignoreAnnotations: [...CONTROLLER_WRITTEN_ANNOTATIONS],
    });

    const ca = new ClusterCa(this, "ca", { provider: tls });
    const nodeCert = new NodeCertificate(this, "node-cert", { provider: tls, ca, namespace });
    const rootCert = new ClientCertificate(this, "root-cert", { provider: tls, ca, user: "root" });

    const ns = new NamespaceV1(this, "namespace", { provider: kubernetes, metadata: { name: namespace } });
    const secrets = [
      new CockroachCertsSecret(this, "node-secret", { provider: kubernetes, namespace, name: NODE_CERTS_SECRET, caCertPem: ca.certPem, certificate: nodeCert }),
      new CockroachCertsSecret(this, "root-secret", { provider: kubernetes, namespace, name: ROOT_CLIENT_CERTS_SECRET, caCertPem: ca.certPem, certificate: rootCert }),
    ];

    const sites = [{ siteName: "local", statefulSetName: statefulSetName("crdb", "local"), replicas: props.replicas ?? 3 }];
    const database = new CockroachStatefulSet(this, "database", {
      provider: kubernetes,
      siteName: "local",
      sites,
      namespace,
      locality: { cloud: "local", region: "local" },
      storageClassName: props.storageClassName,
    });
    const init = new CockroachClusterInit(this, "init", { provider: kubernetes, sites, namespace, survivalGoal: "zone" });
    const client = new CockroachSqlClient(this, "client", { provider: kubernetes, namespace });

    for (const dependent of [...secrets, database, client]) addDependsOn(dependent, ns);
    addDependsOn(init, database.statefulSet, ...secrets.map((s) => s.secret));

    new TerraformOutput(this, "sql_shell", {
      value: `kubectl --namespace ${namespace} exec -it deploy/cockroachdb-client -- cockroach sql`,
    });
    new TerraformOutput(this, "db_console", {
      value: `kubectl --namespace ${namespace} port-forward svc/cockroachdb-public 8080 # then https://localhost:8080`,
    });
  }
}

if (require.main === module) {
  const app = new App();
  new SingleClusterStack(app, "cockroachdb-single-cluster", {
    kubeconfigPath: process.env.KUBECONFIG ?? "~/.kube/config",
    kubeconfigContext: process.env.KUBE_CONTEXT,
    storageClassName: process.env.STORAGE_CLASS,
  });
  app.synth();
}
