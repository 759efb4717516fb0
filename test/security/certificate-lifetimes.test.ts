import { defaultTopology } from "../../stacks/topology";
import { Json, synthApp, values } from "../stacks/synth-app";

/** cdktf writes the subject block as a one-element list. */
const commonName = (resource: Json): string => [resource.subject].flat()[0].common_name;

/** The CN a tls_cert_request asks for, by the logical id of its locally signed certificate. */
function commonNames(pki: Json): Map<string, string> {
  const byRequest = new Map<string, string>();
  for (const [id, request] of Object.entries<Json>(pki.resource.tls_cert_request)) byRequest.set(id, commonName(request));
  const byCert = new Map<string, string>();
  for (const [id, cert] of Object.entries<Json>(pki.resource.tls_locally_signed_cert)) {
    const requestId = /tls_cert_request\.([^.]+)\.cert_request_pem/.exec(cert.cert_request_pem)![1];
    byCert.set(id, byRequest.get(requestId)!);
  }
  return byCert;
}

describe("certificate lifetimes in the synthesized pki stack", () => {
  const { stacks } = synthApp(defaultTopology());
  const pki = stacks.pki;

  test("every CA lives at most 10 years and is never renewed by an apply", () => {
    const cas = values(pki, "tls_self_signed_cert");
    expect(cas.map(commonName).sort()).toEqual(["Cockroach CA", "aws site CA", "azure site CA", "gcp site CA"]);
    for (const ca of cas) expect([ca.validity_period_hours, ca.early_renewal_hours]).toEqual([87600, 0]);
  });

  test("node certificates live 1 year, client and link certificates 90 days, each renewed well before expiry", () => {
    const names = commonNames(pki);
    const lifetimes = Object.entries<Json>(pki.resource.tls_locally_signed_cert).map(([id, cert]) => [
      names.get(id),
      cert.validity_period_hours,
      cert.early_renewal_hours,
    ]);
    // Link certificates name the dialling site: aws dials gcp and azure, azure dials gcp.
    expect(lifetimes.sort()).toEqual(
      [
        ["node", 8760, 2160],
        ["node", 8760, 2160],
        ["node", 8760, 2160],
        ["root", 2160, 720],
        ["crdb_operator", 2160, 720],
        ["aws", 2160, 720],
        ["aws", 2160, 720],
        ["azure", 2160, 720],
      ].sort(),
    );
    // The re-apply rhythm the README gives: every certificate is renewable for >= 30 days before it expires.
    for (const [, , early] of lifetimes) expect(early).toBeGreaterThanOrEqual(720);
  });

  test("renewed certificates roll the pods that mount them: the nodes and the SQL client carry a hash of theirs", () => {
    const [statefulSet] = values(stacks["aws-database"], "kubernetes_stateful_set_v1");
    expect(statefulSet.spec.update_strategy[0].type).toBe("RollingUpdate");
    const nodeRevision: string = statefulSet.spec.template.metadata.annotations["cockroachdb.com/certificate-revision"];
    // The SQL client runs where cluster-init does (gcp: aws's EKS token is too short for the init Job).
    const [client] = values(stacks["gcp-database"], "kubernetes_deployment_v1");
    const clientRevision: string = client.spec.template.metadata.annotations["cockroachdb.com/certificate-revision"];
    for (const revision of [nodeRevision, clientRevision]) expect(revision).toMatch(/^\$\{sha256\(join\("\\n", \[/);
    // Each hashes the CA and its own certificate, read from the pki stack's state.
    expect(nodeRevision.match(/cross-stack-output-tls_locally_signed_certnode-aws[^,\]]*/)).not.toBeNull();
    expect(clientRevision.match(/cross-stack-output-tls_locally_signed_certroot-client[^,\]]*/)).not.toBeNull();
    expect(nodeRevision).toContain("cross-stack-output-tls_self_signed_certcluster-ca");
  });
});
