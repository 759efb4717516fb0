/**
 * Worst-case waits of a synthesized stack against the lifetime of the credentials its
 * providers use. A bearer token read at plan time (aws_eks_cluster_auth: 15 minutes) is used
 * unchanged for the whole apply, including every poll of a wait; a wait that outlives it fails
 * as Unauthorized half-way, and a failed create leaves a resource tainted or missing from
 * state. This module reads the Terraform JSON only (no cdktf objects), so it checks whatever
 * produced the stack: the app, the examples, a user's own stacks.
 *
 * The bound is conservative, not a prediction: every waiting resource is assumed to use its
 * full timeout, resources that do not wait take no time, and resources run as soon as what
 * they depend on (depends_on and references) is done. When more waiting resources exist than
 * Terraform runs at once (its default parallelism, 10), each finish time is raised by the
 * sum of all waits divided by the parallelism (Graham's bound for greedy list scheduling).
 */

/** Minutes; `Infinity` for credentials that are refreshed or do not expire. */
export type Minutes = number;

/**
 * Time a stack needs before its first wait starts and after approval: plan with the refresh
 * of every resource and data source, `--auto-approve`, and the API calls that do not wait.
 */
export const CREDENTIAL_MARGIN_MINUTES = 3;

/**
 * Delete timeout of objects that carry no finalizer (Skupper 2.2.1 sets none on its CRs;
 * StatefulSets and Deployments are deleted with background propagation): they are gone at
 * once, and a destroy that stops here resumes on the next run.
 */
export const FINALIZER_FREE_DELETE_MINUTES = 2;
export const FINALIZER_FREE_DELETE_TIMEOUT = `${FINALIZER_FREE_DELETE_MINUTES}m`;

/** Minutes a stack may wait in total on a credential of `lifetime` minutes (undefined: unbounded). */
export function waitBudgetMinutes(lifetime: Minutes | undefined): Minutes {
  return lifetime === undefined ? Infinity : lifetime - CREDENTIAL_MARGIN_MINUTES;
}

/** Terraform's default `-parallelism`. */
export const TERRAFORM_PARALLELISM = 10;

/** What a bearer token's lifetime is known to be, by the data source attribute it comes from. */
const TOKEN_SOURCES: ReadonlyArray<{ readonly pattern: RegExp; readonly kind: string; readonly lifetime: Minutes }> = [
  // The token is a presigned STS URL that EKS accepts for 15 minutes (aws-iam-authenticator).
  { pattern: /\bdata\.aws_eks_cluster_auth\.[^.}]+\.token\b/, kind: "aws_eks_cluster_auth token", lifetime: 15 },
  // An OAuth2 access token of Google's default credentials: 3600 s.
  { pattern: /\bdata\.google_client_config\.[^.}]+\.access_token\b/, kind: "google_client_config access token", lifetime: 60 },
];
/** A token of unknown origin is treated like the shortest-lived one we know. */
const UNKNOWN_TOKEN_LIFETIME: Minutes = 15;

export interface ProviderCredential {
  /** `kubernetes` or `kubernetes.<alias>`, as resources name it in `provider`. */
  readonly provider: string;
  readonly kind: string;
  readonly lifetime: Minutes;
}

export type Phase = "apply" | "destroy";

export interface ResourceWait {
  /** `type.name`. */
  readonly address: string;
  readonly minutes: Minutes;
}

export interface CredentialProblem {
  readonly stack: string;
  readonly phase: Phase;
  readonly credential: ProviderCredential;
  /** Worst-case minutes from the start of the phase until the provider's last API call. */
  readonly worstCase: Minutes;
  /** The waits on the longest chain that ends at a resource of this provider. */
  readonly chain: readonly ResourceWait[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Parses a Terraform duration ("90s", "20m", "1h30m") into minutes. */
export function durationMinutes(value: unknown, fallback: Minutes): Minutes {
  if (typeof value !== "string" || value === "") return fallback;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)];
  if (parts.length === 0) return fallback;
  const unit: Record<string, number> = { h: 60, m: 1, s: 1 / 60, ms: 1 / 60000 };
  return parts.reduce((sum, [, n, u]) => sum + Number(n) * unit[u], 0);
}

/** The lifetime of the credentials in one kubernetes-style connection block. */
function connectionCredential(connection: Json): { kind: string; lifetime: Minutes } {
  if (connection === undefined || connection === null) return { kind: "the provider's defaults (KUBE_* environment)", lifetime: Infinity };
  if (connection.exec !== undefined && connection.exec !== null && (!Array.isArray(connection.exec) || connection.exec.length > 0)) {
    // client-go runs the plugin again when the credential it returned expires.
    return { kind: "exec credential plugin", lifetime: Infinity };
  }
  if (typeof connection.token === "string" && connection.token !== "") {
    const known = TOKEN_SOURCES.find((s) => s.pattern.test(connection.token));
    return known ? { kind: known.kind, lifetime: known.lifetime } : { kind: "bearer token of unknown lifetime", lifetime: UNKNOWN_TOKEN_LIFETIME };
  }
  if (connection.client_certificate !== undefined) return { kind: "client certificate", lifetime: Infinity };
  // A kubeconfig holds certificates or exec plugins; a static token in it is the user's choice.
  if (connection.config_path !== undefined || connection.config_paths !== undefined) return { kind: "kubeconfig", lifetime: Infinity };
  return { kind: "no credentials", lifetime: Infinity };
}

/**
 * The credentials of every kubernetes and helm provider configuration of a stack. Other
 * providers (aws, google, azurerm, tls) read refreshing credential chains.
 */
export function providerCredentials(stack: Json): ProviderCredential[] {
  const result: ProviderCredential[] = [];
  for (const [type, configs] of Object.entries<Json>(stack.provider ?? {})) {
    if (type !== "kubernetes" && type !== "helm") continue;
    for (const config of configs as Json[]) {
      const provider = config.alias ? `${type}.${config.alias}` : type;
      const connection = type === "helm" ? config.kubernetes : config;
      result.push({ provider, ...connectionCredential(connection) });
    }
  }
  return result;
}

interface WaitRule {
  /** Minutes the create or update of a resource of this type may wait. */
  readonly apply: (r: Json, t: Json) => Minutes;
  /** Minutes its delete may wait. */
  readonly destroy: (r: Json, t: Json) => Minutes;
}

const flag = (value: unknown, fallback: boolean): boolean => (value === undefined || value === null ? fallback : value === true || value === "true");
const createOrUpdate = (t: Json, fallback: Minutes): Minutes => Math.max(durationMinutes(t.create, fallback), durationMinutes(t.update, fallback));
const rollout = (defaultMinutes: Minutes): WaitRule => ({
  apply: (r, t) => (flag(r.wait_for_rollout, true) ? createOrUpdate(t, defaultMinutes) : 0),
  destroy: (_r, t) => durationMinutes(t.delete, defaultMinutes),
});
const specOf = (r: Json): Json => (Array.isArray(r.spec) ? r.spec[0] : r.spec) ?? {};
/** SDKv2 gives an operation without a declared default timeout 20 minutes. */
const SDK_DEFAULT_TIMEOUT = 20;

/**
 * Which resources wait, and how long by default: the kubernetes provider v2.38 and helm
 * provider v3.1 sources (timeouts in each resource's schema, `wait_*` flags and their
 * defaults). Types not listed wait only as long as an explicit `timeouts` block says.
 */
const WAIT_RULES: Record<string, WaitRule> = {
  kubernetes_manifest: {
    // Create/update wait only with a `wait` block; delete always polls until the object is gone.
    apply: (r, t) => (r.wait !== undefined || r.wait_for !== undefined ? createOrUpdate(t, 10) : 0),
    destroy: (_r, t) => durationMinutes(t.delete, 10),
  },
  kubernetes_job_v1: {
    apply: (r, t) => (flag(r.wait_for_completion, true) ? createOrUpdate(t, 1) : 0),
    destroy: (_r, t) => durationMinutes(t.delete, 1),
  },
  kubernetes_deployment_v1: rollout(10),
  kubernetes_stateful_set_v1: rollout(10),
  kubernetes_daemon_set_v1: rollout(10),
  kubernetes_replication_controller_v1: rollout(10),
  kubernetes_service_v1: {
    apply: (r, t) => (specOf(r).type === "LoadBalancer" && flag(r.wait_for_load_balancer, true) ? durationMinutes(t.create, 10) : 0),
    // Delete polls until the Service is gone; only a LoadBalancer Service carries a finalizer
    // (service.kubernetes.io/load-balancer-cleanup) that makes that take time.
    destroy: (r) => (specOf(r).type === "LoadBalancer" ? SDK_DEFAULT_TIMEOUT : 0),
  },
  kubernetes_namespace_v1: {
    apply: (r) => (flag(r.wait_for_default_service_account, false) ? SDK_DEFAULT_TIMEOUT : 0),
    destroy: (_r, t) => durationMinutes(t.delete, 5),
  },
  kubernetes_persistent_volume_claim_v1: {
    apply: (r, t) => (flag(r.wait_until_bound, true) ? durationMinutes(t.create, 5) : 0),
    destroy: () => SDK_DEFAULT_TIMEOUT,
  },
  kubernetes_pod_v1: { apply: (_r, t) => durationMinutes(t.create, 5), destroy: (_r, t) => durationMinutes(t.delete, 5) },
  kubernetes_secret_v1: {
    apply: (r, t) => (r.type === "kubernetes.io/service-account-token" && flag(r.wait_for_service_account_token, true) ? durationMinutes(t.create, 1) : 0),
    destroy: () => 0,
  },
  kubernetes_ingress_v1: {
    apply: (r, t) => (flag(r.wait_for_load_balancer, false) ? durationMinutes(t.create, 20) : 0),
    destroy: (_r, t) => durationMinutes(t.delete, 20),
  },
  kubernetes_cron_job_v1: { apply: () => 0, destroy: (_r, t) => durationMinutes(t.delete, 1) },
  helm_release: {
    // `timeout` (seconds, default 300) bounds install, upgrade and uninstall when `wait` is
    // on; the `timeouts` block (default 20m) bounds the whole operation.
    apply: (r, t) => (flag(r.wait, true) ? Math.min(Number(r.timeout ?? 300) / 60, createOrUpdate(t, 20)) : 0),
    destroy: (r, t) => (flag(r.wait, true) ? Math.min(Number(r.timeout ?? 300) / 60, durationMinutes(t.delete, 20)) : 0),
  },
};
// The deprecated unversioned names behave like their _v1 successors.
for (const name of ["job", "deployment", "stateful_set", "daemonset", "service", "namespace", "persistent_volume_claim", "pod", "secret", "ingress", "cron_job"]) {
  const v1 = name === "daemonset" ? "daemon_set" : name;
  WAIT_RULES[`kubernetes_${name}`] ??= WAIT_RULES[`kubernetes_${v1}_v1`];
}

const genericRule: WaitRule = {
  apply: (_r, t) => Math.max(0, ...["create", "update"].map((k) => durationMinutes(t[k], 0))),
  destroy: (_r, t) => durationMinutes(t.delete, 0),
};

interface Node {
  readonly address: string;
  readonly provider: string;
  readonly wait: Record<Phase, Minutes>;
  readonly dependsOn: readonly string[];
}

const REFERENCE = /\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)/g;

/** Every address a value refers to, through `${...}` expressions. */
function references(value: unknown, into: Set<string>): void {
  if (typeof value === "string") {
    for (const expression of value.matchAll(/\$\{([^}]*)\}/g)) {
      for (const [, data, type, name] of expression[1].matchAll(REFERENCE)) into.add(`${data ?? ""}${type}.${name}`);
    }
  } else if (Array.isArray(value)) value.forEach((v) => references(v, into));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => references(v, into));
}

function nodesOf(stack: Json): Node[] {
  const nodes: Node[] = [];
  for (const kind of ["resource", "data"] as const) {
    for (const [type, byName] of Object.entries<Json>(stack[kind] ?? {})) {
      for (const [name, body] of Object.entries<Json>(byName)) {
        const address = `${kind === "data" ? "data." : ""}${type}.${name}`;
        const rule = kind === "data" ? undefined : (WAIT_RULES[type] ?? genericRule);
        const timeouts = body.timeouts ?? {};
        const refs = new Set<string>();
        references({ ...body, depends_on: undefined }, refs);
        for (const d of body.depends_on ?? []) refs.add(String(d).replace(/^\$\{|\}$/g, ""));
        nodes.push({
          address,
          provider: body.provider ? String(body.provider).replace(/^\$\{|\}$/g, "") : type.split("_")[0],
          wait: { apply: rule?.apply(body, timeouts) ?? 0, destroy: rule?.destroy(body, timeouts) ?? 0 },
          dependsOn: [...refs],
        });
      }
    }
  }
  const known = new Set(nodes.map((n) => n.address));
  return nodes.map((n) => ({ ...n, dependsOn: n.dependsOn.filter((d) => known.has(d) && d !== n.address) }));
}

/** Latest finish of each node in `phase`, with the chain of waits that leads there. */
function finishTimes(nodes: readonly Node[], phase: Phase, parallelism: number): Map<string, { time: Minutes; chain: ResourceWait[] }> {
  const byAddress = new Map(nodes.map((n) => [n.address, n]));
  // Destroy runs the graph backwards: a resource goes after everything that depends on it.
  const before = new Map<string, string[]>(nodes.map((n) => [n.address, []]));
  for (const n of nodes) {
    for (const d of n.dependsOn) {
      if (phase === "apply") before.get(n.address)!.push(d);
      else before.get(d)!.push(n.address);
    }
  }
  const waiting = nodes.filter((n) => n.wait[phase] > 0);
  const total = waiting.reduce((sum, n) => sum + n.wait[phase], 0);
  const contention = waiting.length > parallelism ? total / parallelism : 0;
  const memo = new Map<string, { time: Minutes; chain: ResourceWait[] }>();
  const visiting = new Set<string>();
  const finish = (address: string): { time: Minutes; chain: ResourceWait[] } => {
    const done = memo.get(address);
    if (done) return done;
    if (visiting.has(address)) throw new Error(`dependency cycle through ${address}`);
    visiting.add(address);
    let latest = { time: 0, chain: [] as ResourceWait[] };
    for (const p of before.get(address)!) {
      const f = finish(p);
      if (f.time > latest.time) latest = f;
    }
    const own = byAddress.get(address)!.wait[phase];
    const result = own > 0 ? { time: latest.time + own, chain: [...latest.chain, { address, minutes: own }] } : latest;
    visiting.delete(address);
    memo.set(address, result);
    return result;
  };
  const result = new Map<string, { time: Minutes; chain: ResourceWait[] }>();
  for (const n of nodes) {
    const f = finish(n.address);
    result.set(n.address, { time: f.time + (f.time > 0 ? contention : 0), chain: f.chain });
  }
  return result;
}

export interface StackWaitReport {
  readonly stack: string;
  readonly credentials: readonly ProviderCredential[];
  /** Per phase, per provider: the worst-case minutes until its last call, and the chain. */
  readonly worstCase: Record<Phase, Record<string, { readonly minutes: Minutes; readonly chain: readonly ResourceWait[] }>>;
}

/** The worst-case waits of one synthesized stack (its cdk.tf.json, parsed). */
export function analyzeStackWaits(stackName: string, stack: Json, parallelism = TERRAFORM_PARALLELISM): StackWaitReport {
  const nodes = nodesOf(stack);
  const credentials = providerCredentials(stack);
  const worstCase = { apply: {}, destroy: {} } as StackWaitReport["worstCase"];
  for (const phase of ["apply", "destroy"] as const) {
    const times = finishTimes(nodes, phase, parallelism);
    for (const { provider } of credentials) {
      let worst = { minutes: 0, chain: [] as readonly ResourceWait[] };
      for (const n of nodes) {
        if (n.provider !== provider) continue;
        const f = times.get(n.address)!;
        if (f.time > worst.minutes) worst = { minutes: f.time, chain: f.chain };
      }
      worstCase[phase][provider] = worst;
    }
  }
  return { stack: stackName, credentials, worstCase };
}

/**
 * Every phase of every stack in which a provider's credential could expire before its last
 * API call: worst-case wait + CREDENTIAL_MARGIN_MINUTES > lifetime.
 */
export function credentialProblems(stacks: Readonly<Record<string, Json>>, parallelism = TERRAFORM_PARALLELISM): CredentialProblem[] {
  const problems: CredentialProblem[] = [];
  for (const [name, json] of Object.entries(stacks)) {
    const report = analyzeStackWaits(name, json, parallelism);
    for (const credential of report.credentials) {
      for (const phase of ["apply", "destroy"] as const) {
        const { minutes, chain } = report.worstCase[phase][credential.provider];
        if (minutes > 0 && minutes + CREDENTIAL_MARGIN_MINUTES > credential.lifetime) {
          problems.push({ stack: name, phase, credential, worstCase: minutes, chain });
        }
      }
    }
  }
  return problems;
}

/** One line per problem, naming the stack, the wait and the credential. */
export function describeCredentialProblem(p: CredentialProblem): string {
  const round = (m: Minutes) => Number(m.toFixed(1));
  const chain = p.chain.map((w) => `${w.address} ${round(w.minutes)} min`).join(" -> ");
  return (
    `${p.stack}: ${p.phase} may wait ${round(p.worstCase)} min (${chain}), but provider ${p.credential.provider} authenticates with ` +
    `the ${p.credential.kind}, which lives ${p.credential.lifetime} min (${CREDENTIAL_MARGIN_MINUTES} min of it go to plan and approval). ` +
    "Shorten the waits, or connect with a credential that is refreshed (exec) or long-lived."
  );
}
