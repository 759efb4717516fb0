import { FINALIZER_FREE_DELETE_TIMEOUT } from "../core/credential-lifetimes";
import { Construct } from "constructs";
import { DeploymentV1 } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { COCKROACH_GRPC_PORT, DEFAULT_NAMESPACE } from "../core/naming";
import { checkDnsLabel, checkNamespace, checkPinnedImage } from "../core/validation";
import {
  CERTIFICATE_REVISION_ANNOTATION,
  SQL_CLIENT_REQUESTS,
  CERTS_DIR,
  COCKROACH_IMAGE,
  DEFAULT_PUBLIC_SERVICE,
  ROOT_CLIENT_CERTS_SECRET,
  certsVolumeMounts,
  certsVolumes,
  containerSecurityContext,
  labels,
  podSecurityContext,
} from "./common";

export interface CockroachSqlClientProps {
  readonly provider: KubernetesProvider;
  /**
   * A literal or a NamespaceV1's `metadata.name` (which orders these objects after it).
   * @default "cockroachdb"
   */
  readonly namespace?: string;
  /** @default COCKROACH_IMAGE */
  readonly image?: string;
  /** Secret with `ca.crt`, `client.root.crt`, `client.root.key`. @default ROOT_CLIENT_CERTS_SECRET */
  readonly clientCertsSecretName?: string;
  /** The Service the client connects to. @default DEFAULT_PUBLIC_SERVICE */
  readonly publicServiceName?: string;
  /** @default "cockroachdb-client" */
  readonly name?: string;
  /**
   * A value that changes with the client certificate (e.g. its sha256): the pod is replaced
   * when the certificate is renewed, so the shell never uses an expired one.
   * @default none
   */
  readonly certificateRevision?: string;
}

/**
 * An idle pod with the root client certificate, for
 * `kubectl exec -it deploy/cockroachdb-client -- cockroach sql`: host and certs come
 * from COCKROACH_HOST / COCKROACH_CERTS_DIR, so no flags are needed.
 */
export class CockroachSqlClient extends Construct {
  readonly deployment: DeploymentV1;

  constructor(scope: Construct, id: string, props: CockroachSqlClientProps) {
    super(scope, id);
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const name = checkDnsLabel("name", props.name ?? "cockroachdb-client");
    const host = checkDnsLabel("publicServiceName", props.publicServiceName ?? DEFAULT_PUBLIC_SERVICE);
    const podLabels = labels(name, "client");
    this.deployment = new DeploymentV1(this, "deployment", {
      provider: props.provider,
      metadata: { name, namespace, labels: podLabels },
      timeouts: { delete: FINALIZER_FREE_DELETE_TIMEOUT },
      spec: {
        replicas: "1",
        selector: { matchLabels: podLabels },
        template: {
          metadata: {
            labels: podLabels,
            annotations: props.certificateRevision ? { [CERTIFICATE_REVISION_ANNOTATION]: props.certificateRevision } : undefined,
          },
          spec: {
            enableServiceLinks: false,
            automountServiceAccountToken: false,
            securityContext: podSecurityContext,
            container: [
              {
                name: "client",
                image: checkPinnedImage("image", props.image ?? COCKROACH_IMAGE, COCKROACH_IMAGE),
                imagePullPolicy: "IfNotPresent",
                command: ["sleep", "infinity"],
                env: [
                  { name: "COCKROACH_HOST", value: `${host}:${COCKROACH_GRPC_PORT}` },
                  { name: "COCKROACH_CERTS_DIR", value: CERTS_DIR },
                  // The SQL shell keeps its history in $HOME; the root filesystem is read-only.
                  { name: "HOME", value: "/tmp" },
                ],
                securityContext: containerSecurityContext,
                resources: { requests: { ...SQL_CLIENT_REQUESTS }, limits: { cpu: "1", memory: "512Mi" } },
                volumeMount: certsVolumeMounts,
              },
            ],
            volume: certsVolumes(props.clientCertsSecretName ?? ROOT_CLIENT_CERTS_SECRET),
          },
        },
      },
    });
  }
}
