import { Construct } from "constructs";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { DEFAULT_NAMESPACE, DatabaseSiteNames } from "../core/naming";
import { terraformLiteral } from "../core/terraform-strings";
import { checkDnsLabel, checkInteger, checkNamespace, checkPinnedImage, fail } from "../core/validation";
import type { SurvivalGoal } from "./cockroach-cluster-init";
import {
  COCKROACH_IMAGE,
  DEFAULT_PUBLIC_SERVICE,
  ROOT_CLIENT_CERTS_SECRET,
  certsVolumeMounts,
  certsVolumes,
  containerSecurityContext,
  labels,
  podSecurityContext,
} from "./common";
import { scaleDownScript } from "./scale-down-script";
import { checkSites, checkSurvivalGoal } from "./sites";

export interface CockroachScaleDownProps {
  /** The cluster of the site being scaled. */
  readonly provider: KubernetesProvider;
  /** This site; must appear in `sites`. */
  readonly siteName: string;
  /** Every database site with its TARGET replicas (what the StatefulSets are about to run). */
  readonly sites: readonly DatabaseSiteNames[];
  /**
   * The goal the target replicas must still meet; lower replicas that break it fail at synth.
   * @default "region"
   */
  readonly survivalGoal?: SurvivalGoal;
  /** @default "cockroachdb" */
  readonly namespace?: string;
  /** @default COCKROACH_IMAGE */
  readonly image?: string;
  /** Secret with `ca.crt`, `client.root.crt`, `client.root.key`. @default ROOT_CLIENT_CERTS_SECRET */
  readonly clientCertsSecretName?: string;
  /** A Service of this site that reaches its nodes. @default DEFAULT_PUBLIC_SERVICE */
  readonly publicServiceName?: string;
  /**
   * How long the deploy waits for the decommission. Moving a node's replicas away can take
   * longer; the Job then fails, decommissioning carries on in the cluster, and the next deploy
   * waits again. Keep it below the credential lifetime of the site's Kubernetes provider
   * (EKS tokens: 15 minutes from plan).
   * @default 10
   */
  readonly timeoutMinutes?: number;
}

const API_CREDENTIALS_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * Safe scale-down for one site: a Job that decommissions the nodes a lower replica count is
 * about to remove and waits until CockroachDB reports them decommissioned (scaleDownScript).
 * Make the StatefulSet depend on `job`, so Terraform shrinks it only after the Job succeeded.
 *
 * The Job's name carries the target replicas, so Terraform re-creates it whenever the target
 * changes and leaves the completed Job alone otherwise (re-applying runs nothing). On first
 * deploy and on scale-up it finds nothing to do without touching the database. It may read
 * only the scale of its own StatefulSet.
 *
 * The volume claims of removed pods stay (StatefulSets keep them): before scaling back up to
 * those ordinals, delete `datadir-<pod>` (its store belongs to a decommissioned node, which
 * the cluster would refuse).
 */
export class CockroachScaleDown extends Construct {
  readonly job: JobV1;

  constructor(scope: Construct, id: string, props: CockroachScaleDownProps) {
    super(scope, id);
    checkSites(props.sites);
    const site = props.sites.find((s) => s.siteName === props.siteName);
    if (!site) fail("siteName", props.siteName, `Use one of the sites listed in sites: ${props.sites.map((s) => s.siteName).join(", ")}.`);
    checkSurvivalGoal(props.sites, props.survivalGoal ?? "region");
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const image = checkPinnedImage("image", props.image ?? COCKROACH_IMAGE, COCKROACH_IMAGE);
    const timeoutMinutes = checkInteger("timeoutMinutes", props.timeoutMinutes ?? 10, 2, 1440);
    const host = checkDnsLabel("publicServiceName", props.publicServiceName ?? DEFAULT_PUBLIC_SERVICE);
    const sts = site.statefulSetName;
    const name = `${sts}-scale`;
    const meta = { name, namespace, labels: labels(sts, "scale-down") };

    const account = new ServiceAccountV1(this, "service-account", { provider: props.provider, metadata: meta, automountServiceAccountToken: false });
    const role = new RoleV1(this, "role", {
      provider: props.provider,
      metadata: meta,
      rule: [{ apiGroups: ["apps"], resources: ["statefulsets/scale"], resourceNames: [sts], verbs: ["get"] }],
    });
    const binding = new RoleBindingV1(this, "role-binding", {
      provider: props.provider,
      metadata: meta,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subject: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
    });

    const decommissionSeconds = (timeoutMinutes - 1) * 60;
    const script = scaleDownScript({
      statefulSetName: sts,
      namespace,
      targetReplicas: site.replicas,
      host,
      serviceAccountDir: API_CREDENTIALS_DIR,
      decommissionTimeoutSeconds: decommissionSeconds,
      workDir: "/tmp",
    });
    this.job = new JobV1(this, "job", {
      provider: props.provider,
      // Job names are at most 63 characters: StatefulSet names at most 52, replicas at most 1000.
      metadata: { ...meta, name: `${sts}-to-${site.replicas}` },
      // The binding must exist before the Job reads the scale; it names only the ServiceAccount.
      dependsOn: [binding],
      waitForCompletion: true,
      timeouts: { create: `${timeoutMinutes + 1}m`, update: `${timeoutMinutes + 1}m` },
      spec: {
        // A failed run is a Terraform error; retrying inside the deploy would outlast its credentials.
        backoffLimit: 0,
        activeDeadlineSeconds: timeoutMinutes * 60,
        template: {
          metadata: { labels: labels(sts, "scale-down") },
          spec: {
            restartPolicy: "Never",
            enableServiceLinks: false,
            serviceAccountName: account.metadata.name,
            automountServiceAccountToken: false,
            securityContext: podSecurityContext,
            container: [
              {
                name: "scale-down",
                image,
                imagePullPolicy: "IfNotPresent",
                command: ["/bin/bash", "-c", terraformLiteral(script)],
                securityContext: containerSecurityContext,
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                volumeMount: [...certsVolumeMounts, { name: "kube-api", mountPath: API_CREDENTIALS_DIR, readOnly: true }],
              },
            ],
            volume: [
              ...certsVolumes(props.clientCertsSecretName ?? ROOT_CLIENT_CERTS_SECRET),
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
          },
        },
      },
    });
  }
}
