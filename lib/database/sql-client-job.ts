import { Construct } from "constructs";
import { JobV1, JobV1SpecTemplateSpecContainerEnv, JobV1SpecTemplateSpecContainerVolumeMount, JobV1SpecTemplateSpecVolume } from "@cdktf/provider-kubernetes/lib/job-v1";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { ITerraformDependable } from "cdktf";
import { terraformLiteral } from "../core/terraform-strings";
import { goDuration } from "../core/units";
import { certsVolumeMounts, certsVolumes, containerSecurityContext, podSecurityContext } from "./common";

export interface SqlClientJobSpec {
  readonly provider: KubernetesProvider;
  readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
  readonly podLabels: Record<string, string>;
  readonly podAnnotations?: Record<string, string>;
  readonly containerName: string;
  readonly image: string;
  readonly script: string;
  /** Secret with `ca.crt` and the client certificate and key of the Job's SQL user. */
  readonly clientCertsSecretName: string;
  /** The Job's own deadline. */
  readonly timeoutMinutes: number;
  /** How much longer Terraform waits than the deadline, to see the Job end. */
  readonly waitSlackMinutes: number;
  /**
   * Restarts of a failed container within one deploy (restartPolicy OnFailure); 0 runs it once
   * (Never), so a failure fails the deploy and the next deploy re-creates the tainted Job.
   */
  readonly retries: number;
  readonly env?: JobV1SpecTemplateSpecContainerEnv[];
  /** With its token mounted through `extraVolumes`; none is automounted. */
  readonly serviceAccountName?: string;
  readonly extraVolumeMounts?: JobV1SpecTemplateSpecContainerVolumeMount[];
  readonly extraVolumes?: JobV1SpecTemplateSpecVolume[];
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The one shape of every Job that runs a script as a CockroachDB SQL client: non-root,
 * read-only root filesystem, no automounted token, no service links, the client certificates
 * mounted, a deadline Terraform waits out. Kept in one place so a hardening applies to all.
 */
export function sqlClientJob(scope: Construct, id: string, spec: SqlClientJobSpec): JobV1 {
  const wait = goDuration(spec.timeoutMinutes + spec.waitSlackMinutes, "minutes");
  return new JobV1(scope, id, {
    provider: spec.provider,
    metadata: spec.metadata,
    dependsOn: spec.dependsOn,
    waitForCompletion: true,
    timeouts: { create: wait, update: wait },
    spec: {
      backoffLimit: spec.retries,
      activeDeadlineSeconds: spec.timeoutMinutes * 60,
      template: {
        metadata: { labels: spec.podLabels, annotations: spec.podAnnotations },
        spec: {
          restartPolicy: spec.retries > 0 ? "OnFailure" : "Never",
          enableServiceLinks: false,
          serviceAccountName: spec.serviceAccountName,
          automountServiceAccountToken: false,
          securityContext: podSecurityContext,
          container: [
            {
              name: spec.containerName,
              image: spec.image,
              imagePullPolicy: "IfNotPresent",
              command: ["/bin/bash", "-c", terraformLiteral(spec.script)],
              env: spec.env,
              securityContext: containerSecurityContext,
              resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
              volumeMount: [...certsVolumeMounts, ...(spec.extraVolumeMounts ?? [])],
            },
          ],
          volume: [...certsVolumes(spec.clientCertsSecretName), ...(spec.extraVolumes ?? [])],
        },
      },
    },
  });
}
