import { createHash } from "crypto";
import { Construct } from "constructs";
import { Precondition } from "cdktf";
import { DataKubernetesResources } from "@cdktf/provider-kubernetes/lib/data-kubernetes-resources";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DEFAULT_NAMESPACE, DatabaseSiteNames } from "../core/naming";
import { checkDnsLabel, checkNamespace, checkPinnedImage, fail } from "../core/validation";
import { checkDuration } from "../core/units";
import { COCKROACH_IMAGE, DEFAULT_PUBLIC_SERVICE, ROOT_CLIENT_CERTS_SECRET, JOB_TIMEOUT_MINUTES } from "./common";
import { rolloutGuardScript } from "./rollout-guard-script";
import { siteIndex } from "./sites";
import { API_CREDENTIALS_DIR, statefulSetReaderJob } from "./statefulset-reader-job";
import { cockroachImageVersion, majorName, majorOf, upgradeSources } from "./upgrade-path";

export interface CockroachRolloutGuardProps {
  /** The cluster of the site whose StatefulSet gets `image`. */
  readonly provider: KubernetesProvider;
  /** This site; must appear in `sites`. */
  readonly siteName: string;
  /** Every database site in topology order: the sites before this one roll first. */
  readonly sites: readonly DatabaseSiteNames[];
  /** The image the StatefulSet is about to run; its tag must carry the version (vX.Y.Z). @default COCKROACH_IMAGE */
  readonly image?: string;
  /** @default "cockroachdb" */
  readonly namespace?: string;
  /** Secret with `ca.crt`, `client.<sqlUser>.crt`, `client.<sqlUser>.key`. @default ROOT_CLIENT_CERTS_SECRET */
  readonly clientCertsSecretName?: string;
  /** Who the Job is in SQL: root or a member of the admin role (OPERATOR_SQL_USER). @default "root" */
  readonly sqlUser?: string;
  /** @default DEFAULT_PUBLIC_SERVICE */
  readonly publicServiceName?: string;
  /**
   * How long the deploy waits for the earlier sites to finish rolling. Keep it below the
   * credential lifetime of the site's Kubernetes provider (EKS tokens: 15 minutes from plan).
   * @default 10
   */
  readonly timeoutMinutes?: number;
}

/**
 * Guards an image change of one site's StatefulSet (rolloutGuardScript): it refuses a skipped
 * Regular release or a move to an older major, waits until the sites before this one run the
 * new version and every node is live (one site at a time, also under `cdktf deploy '*'`), and
 * sets `cluster.preserve_downgrade_option` before the first pod restarts with a new major.
 * Make the StatefulSet depend on `job`.
 *
 * The Job's name carries a hash of the image, so a new image re-creates it and re-applying the
 * same image runs nothing. A run that times out fails the deploy; the next deploy waits again.
 */
export class CockroachRolloutGuard extends Construct {
  readonly job: JobV1;
  /** The live StatefulSet as Terraform reads it at plan time (an empty list on first deploy). */
  readonly live: DataKubernetesResources;
  /**
   * The same version rule at PLAN time, for the StatefulSet's `lifecycle.precondition`: a
   * skipped Regular release or an older major fails `cdktf diff`/`deploy` before anything is
   * applied. A running image without a vX.Y.Z tag passes here and is left to the Job.
   */
  readonly precondition: Precondition;

  constructor(scope: Construct, id: string, props: CockroachRolloutGuardProps) {
    super(scope, id);
    const index = siteIndex(props.sites, props.siteName);
    const image = checkPinnedImage("image", props.image ?? COCKROACH_IMAGE, COCKROACH_IMAGE);
    const version = cockroachImageVersion("image", image);
    if (!version) fail("image", image, 'The rollout guard reads the version from the tag; use "<repository>:vX.Y.Z@sha256:<digest>" to pin a digest.');
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const timeoutMinutes = checkDuration("timeoutMinutes", props.timeoutMinutes ?? 10, "minutes", JOB_TIMEOUT_MINUTES);
    const sts = props.sites[index].statefulSetName;
    const script = rolloutGuardScript({
      statefulSetName: sts,
      namespace,
      targetImage: image,
      targetVersion: version.version,
      allowedSourceMajors: upgradeSources(majorOf(version)).map(majorName),
      earlierStatefulSets: props.sites.slice(0, index).map((s) => s.statefulSetName),
      host: checkDnsLabel("publicServiceName", props.publicServiceName ?? DEFAULT_PUBLIC_SERVICE),
      serviceAccountDir: API_CREDENTIALS_DIR,
      waitSeconds: (timeoutMinutes - 1) * 60,
      workDir: "/tmp",
      sqlUser: props.sqlUser,
    });
    this.live = new DataKubernetesResources(this, "live", {
      provider: props.provider,
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      namespace,
      fieldSelector: `metadata.name=${sts}`,
    });
    this.precondition = {
      condition: versionRuleExpression(`data.kubernetes_resources.${this.live.friendlyUniqueId}.objects`, upgradeSources(majorOf(version)).map(majorName)),
      errorMessage: `StatefulSet ${sts} runs a CockroachDB major that cannot move to v${version.version} directly (allowed from ${upgradeSources(majorOf(version)).map(majorName).join(", ")}): a Regular release would be skipped, or the major is older. Upgrade through the required majors one deploy at a time (README: Upgrade CockroachDB), or keep the running image.`,
    };
    const imageHash = createHash("sha256").update(image).digest("hex").slice(0, 7);
    this.job = statefulSetReaderJob(this, {
      provider: props.provider,
      namespace,
      statefulSetName: sts,
      component: "rollout-guard",
      // At most 63 characters: StatefulSet names have at most 52.
      jobName: `${sts}-up-${imageHash}`,
      resource: "statefulsets",
      image,
      script,
      clientCertsSecretName: props.clientCertsSecretName ?? ROOT_CLIENT_CERTS_SECRET,
      timeoutMinutes,
    });
  }
}

/**
 * A Terraform expression: true when every StatefulSet in `objects` runs an image whose vX.Y
 * is one of `allowedMajors`, or whose tag names no version.
 */
export function versionRuleExpression(objects: string, allowedMajors: readonly string[]): string {
  const allowed = JSON.stringify(allowedMajors);
  return `\${alltrue([for o in ${objects} : contains(${allowed}, try(regex(":v([0-9]+[.][0-9]+)[.][0-9]+", o.spec.template.spec.containers[0].image)[0], ${JSON.stringify(allowedMajors[0])}))])}`;
}
