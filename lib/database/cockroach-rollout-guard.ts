import { createHash } from "crypto";
import { Construct } from "constructs";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { DEFAULT_NAMESPACE, DatabaseSiteNames } from "../core/naming";
import { checkDnsLabel, checkInteger, checkNamespace, checkPinnedImage, fail } from "../core/validation";
import { COCKROACH_IMAGE, DEFAULT_PUBLIC_SERVICE, ROOT_CLIENT_CERTS_SECRET } from "./common";
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
  /** Secret with `ca.crt`, `client.root.crt`, `client.root.key`. @default ROOT_CLIENT_CERTS_SECRET */
  readonly clientCertsSecretName?: string;
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

  constructor(scope: Construct, id: string, props: CockroachRolloutGuardProps) {
    super(scope, id);
    const index = siteIndex(props.sites, props.siteName);
    const image = checkPinnedImage("image", props.image ?? COCKROACH_IMAGE, COCKROACH_IMAGE);
    const version = cockroachImageVersion("image", image);
    if (!version) fail("image", image, 'The rollout guard reads the version from the tag; use "<repository>:vX.Y.Z@sha256:<digest>" to pin a digest.');
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const timeoutMinutes = checkInteger("timeoutMinutes", props.timeoutMinutes ?? 10, 2, 1440);
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
    });
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
