import { Construct } from "constructs";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { COCKROACH_GRPC_PORT, DEFAULT_NAMESPACE } from "../core/naming";
import { checkDnsLabel, checkNamespace, checkPinnedImage, fail } from "../core/validation";
import { checkDuration } from "../core/units";
import {
  COCKROACH_IMAGE,
  DEFAULT_PUBLIC_SERVICE,
  JOB_TIMEOUT_MINUTES,
  ROOT_CLIENT_CERTS_SECRET,
  labels,
} from "./common";
import { sqlClientJob } from "./sql-client-job";
import { upgradeFinalizeScript } from "./upgrade-finalize-script";
import { cockroachImageVersion, majorName, majorOf } from "./upgrade-path";

export interface CockroachUpgradeFinalizeProps {
  /** Any site's cluster (the app uses the first site's). */
  readonly provider: KubernetesProvider;
  /** The major to finalize ("26.2"): must be the major of `image`. */
  readonly major: string;
  /** The image every site runs. @default COCKROACH_IMAGE */
  readonly image?: string;
  /** @default "cockroachdb" */
  readonly namespace?: string;
  /** Secret with `ca.crt`, `client.<sqlUser>.crt`, `client.<sqlUser>.key`. @default ROOT_CLIENT_CERTS_SECRET */
  readonly clientCertsSecretName?: string;
  /** Who the Job is in SQL: root or a member of the admin role. @default "root" */
  readonly sqlUser?: string;
  /** @default DEFAULT_PUBLIC_SERVICE */
  readonly publicServiceName?: string;
  /** How long the deploy waits for the upgrade migrations. @default 10 */
  readonly timeoutMinutes?: number;
}

/**
 * Finalizes a major upgrade when the operator says so (upgradeFinalizeScript): resets
 * `cluster.preserve_downgrade_option` once every node is live on the new major. After this
 * the cluster cannot go back to the previous major. The Job is named after the major, so it
 * runs once per upgrade.
 */
export class CockroachUpgradeFinalize extends Construct {
  readonly job: JobV1;

  constructor(scope: Construct, id: string, props: CockroachUpgradeFinalizeProps) {
    super(scope, id);
    const image = checkPinnedImage("image", props.image ?? COCKROACH_IMAGE, COCKROACH_IMAGE);
    const version = cockroachImageVersion("image", image);
    const imageMajor = version ? majorName(majorOf(version)) : undefined;
    if (props.major !== imageMajor) {
      fail("major", props.major, `Finalize the major the image runs (${imageMajor ?? "unknown: tag the image with vX.Y.Z"}); finalizing any other is meaningless or premature.`);
    }
    const namespace = checkNamespace("namespace", props.namespace ?? DEFAULT_NAMESPACE);
    const timeoutMinutes = checkDuration("timeoutMinutes", props.timeoutMinutes ?? 10, "minutes", JOB_TIMEOUT_MINUTES);
    const host = `${checkDnsLabel("publicServiceName", props.publicServiceName ?? DEFAULT_PUBLIC_SERVICE)}:${COCKROACH_GRPC_PORT}`;
    const name = `cockroachdb-finalize-${props.major.replace(".", "-")}`;
    const script = upgradeFinalizeScript({ major: props.major, host, waitSeconds: (timeoutMinutes - 1) * 60, sqlUser: props.sqlUser });
    this.job = sqlClientJob(this, "job", {
      provider: props.provider,
      metadata: { name, namespace, labels: labels(name, "finalize") },
      podLabels: labels(name, "finalize"),
      containerName: "finalize",
      image,
      script,
      clientCertsSecretName: props.clientCertsSecretName ?? ROOT_CLIENT_CERTS_SECRET,
      timeoutMinutes,
      waitSlackMinutes: 1,
      retries: 0,
    });
  }
}
