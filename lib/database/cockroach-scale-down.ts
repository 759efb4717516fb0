import { Construct } from "constructs";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DEFAULT_NAMESPACE, DatabaseSiteNames } from "../core/naming";
import { checkDnsLabel, checkNamespace, checkPinnedImage } from "../core/validation";
import { checkDuration } from "../core/units";
import type { SurvivalGoal } from "./cockroach-cluster-init";
import { COCKROACH_IMAGE, DEFAULT_PUBLIC_SERVICE, ROOT_CLIENT_CERTS_SECRET, JOB_TIMEOUT_MINUTES } from "./common";
import { scaleDownScript } from "./scale-down-script";
import { checkSurvivalGoal, siteIndex } from "./sites";
import { API_CREDENTIALS_DIR, statefulSetReaderJob } from "./statefulset-reader-job";

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
  /** Secret with `ca.crt`, `client.<sqlUser>.crt`, `client.<sqlUser>.key`. @default ROOT_CLIENT_CERTS_SECRET */
  readonly clientCertsSecretName?: string;
  /**
   * Who the Job is in SQL. Only root may decommission: with another user (OPERATOR_SQL_USER, which
   * may list the nodes) a scale-down that must remove nodes fails, before the StatefulSet shrinks,
   * with `withoutRootFix`; first deploys and scale-ups need no database and pass.
   * @default "root"
   */
  readonly sqlUser?: string;
  /** What that failure tells the operator to do. @default run the Job as root */
  readonly withoutRootFix?: string;
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
    const site = props.sites[siteIndex(props.sites, props.siteName)];
    checkSurvivalGoal(props.sites, props.survivalGoal ?? "region");
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const image = checkPinnedImage("image", props.image ?? COCKROACH_IMAGE, COCKROACH_IMAGE);
    const timeoutMinutes = checkDuration("timeoutMinutes", props.timeoutMinutes ?? 10, "minutes", JOB_TIMEOUT_MINUTES);
    const host = checkDnsLabel("publicServiceName", props.publicServiceName ?? DEFAULT_PUBLIC_SERVICE);
    const sts = site.statefulSetName;
    const script = scaleDownScript({
      statefulSetName: sts,
      namespace,
      targetReplicas: site.replicas,
      host,
      serviceAccountDir: API_CREDENTIALS_DIR,
      decommissionTimeoutSeconds: (timeoutMinutes - 1) * 60,
      workDir: "/tmp",
      sqlUser: props.sqlUser,
      withoutRootFix: props.withoutRootFix,
    });
    this.job = statefulSetReaderJob(this, {
      provider: props.provider,
      namespace,
      statefulSetName: sts,
      component: "scale-down",
      // At most 63 characters: StatefulSet names have at most 52, replicas at most 1000.
      jobName: `${sts}-to-${site.replicas}`,
      resource: "statefulsets/scale",
      image,
      script,
      clientCertsSecretName: props.clientCertsSecretName ?? ROOT_CLIENT_CERTS_SECRET,
      timeoutMinutes,
    });
  }
}
