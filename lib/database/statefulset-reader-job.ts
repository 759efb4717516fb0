import { Construct } from "constructs";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { labels } from "./common";
import { sqlClientJob } from "./sql-client-job";

/** Where the Jobs below find their service account token and the API server's CA. */
export const API_CREDENTIALS_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface StatefulSetReaderJobSpec {
  readonly provider: KubernetesProvider;
  readonly namespace: string;
  readonly statefulSetName: string;
  /** `app.kubernetes.io/component` of everything created, and the name of its ServiceAccount/Role. */
  readonly component: string;
  readonly jobName: string;
  /** `statefulsets` or a subresource such as `statefulsets/scale`; only `get`, only this StatefulSet. */
  readonly resource: string;
  readonly image: string;
  readonly script: string;
  readonly clientCertsSecretName: string;
  readonly timeoutMinutes: number;
}

/**
 * A Job that runs a script as the root SQL client and may read one StatefulSet from the
 * Kubernetes API, with its ServiceAccount, Role and RoleBinding, waited on by Terraform for at
 * most `timeoutMinutes` (+1). One attempt: a failed run fails the deploy, and the next deploy
 * re-creates the tainted Job; retrying inside one deploy would outlast its credentials.
 */
export function statefulSetReaderJob(scope: Construct, spec: StatefulSetReaderJobSpec): JobV1 {
  const { provider, namespace, statefulSetName: sts } = spec;
  const meta = { name: `${sts}-${spec.component}`, namespace, labels: labels(sts, spec.component) };
  const account = new ServiceAccountV1(scope, "service-account", { provider, metadata: meta, automountServiceAccountToken: false });
  const role = new RoleV1(scope, "role", {
    provider,
    metadata: meta,
    rule: [{ apiGroups: ["apps"], resources: [spec.resource], resourceNames: [sts], verbs: ["get"] }],
  });
  const binding = new RoleBindingV1(scope, "role-binding", {
    provider,
    metadata: meta,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
    subject: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
  });
  return sqlClientJob(scope, "job", {
    provider,
    metadata: { ...meta, name: spec.jobName },
    // The binding must exist before the script reads the StatefulSet; the Job names only the ServiceAccount.
    dependsOn: [binding],
    podLabels: labels(sts, spec.component),
    containerName: spec.component,
    image: spec.image,
    script: spec.script,
    clientCertsSecretName: spec.clientCertsSecretName,
    timeoutMinutes: spec.timeoutMinutes,
    waitSlackMinutes: 1,
    retries: 0,
    serviceAccountName: account.metadata.name,
    extraVolumeMounts: [{ name: "kube-api", mountPath: API_CREDENTIALS_DIR, readOnly: true }],
    extraVolumes: [
      {
        name: "kube-api",
        projected: [
          {
            sources: [
              { serviceAccountToken: { path: "token", expirationSeconds: 600 } },
              { configMap: [{ name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] }] },
            ],
          },
        ],
      },
    ],
  });
}
