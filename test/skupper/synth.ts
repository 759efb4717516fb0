import { Testing } from "cdktf";
import { Construct } from "constructs";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";

/** A synthesized stack's JSON. */
export interface Synth {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, Record<string, unknown>>;
  readonly locals?: Record<string, unknown>;
}

export interface TestProviders {
  readonly kubernetes: KubernetesProvider;
  readonly helm: HelmProvider;
  readonly tls: TlsProvider;
}

/** Synthesizes what `build` adds to a fresh stack that has one provider of each kind. */
export function synth(build: (scope: Construct, providers: TestProviders) => void): Synth {
  return JSON.parse(
    Testing.synthScope((scope) => {
      build(scope, {
        kubernetes: new KubernetesProvider(scope, "kubernetes", {}),
        helm: new HelmProvider(scope, "helm", {}),
        tls: new TlsProvider(scope, "tls", {}),
      });
    }),
  );
}

/** All resources (or data sources) of one type, by logical id. */
export function ofType(out: Synth, type: string, block: "resource" | "data" = "resource"): Record<string, Record<string, unknown>> {
  return out[block]?.[type] ?? {};
}

/** The manifests of every kubernetes_manifest resource. */
export function manifests(out: Synth): Record<string, unknown>[] {
  return Object.values(ofType(out, "kubernetes_manifest")).map((r) => r.manifest as Record<string, unknown>);
}

/** Manifests of one kind. */
export function manifestsOfKind(out: Synth, kind: string): Array<{ metadata: { name: string; namespace: string }; spec: Record<string, unknown> }> {
  return manifests(out).filter((m) => m.kind === kind) as never;
}
