import { Construct } from "constructs";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ClusterCa, CockroachCertsSecret, CockroachSqlClient, CockroachStatefulSet, NodeCertificate } from "../../lib/database";
import { Providers, onlyResource, resources, synth } from "./helpers";

/**
 * Passing a NamespaceV1's name (a token) is how a consumer orders the database objects after
 * the namespace; every construct that takes a namespace must accept one, and still check a literal.
 */
const ref = "${kubernetes_namespace_v1.ns.metadata[0].name}";

function withNamespace(build: (stack: Construct, p: Providers, namespace: string) => void) {
  return synth((stack, p) => build(stack, p, new NamespaceV1(stack, "ns", { provider: p.kubernetes, metadata: { name: "db" } }).metadata.name));
}

const sites = [{ siteName: "aws", statefulSetName: "crdb-aws", replicas: 1 }];
const builders: Record<string, (stack: Construct, p: Providers, namespace: string) => void> = {
  CockroachStatefulSet: (stack, p, namespace) =>
    new CockroachStatefulSet(stack, "db", { provider: p.kubernetes, siteName: "aws", sites, namespace, locality: { cloud: "aws", region: "us-west-2" } }),
  CockroachCertsSecret: (stack, p, namespace) => {
    const ca = new ClusterCa(stack, "ca", { provider: p.tls });
    new CockroachCertsSecret(stack, "secret", { provider: p.kubernetes, name: "certs", namespace, caCertPem: ca.certPem, certificate: { files: {} } });
  },
  CockroachSqlClient: (stack, p, namespace) => new CockroachSqlClient(stack, "client", { provider: p.kubernetes, namespace }),
  NodeCertificate: (stack, p, namespace) => new NodeCertificate(stack, "node", { provider: p.tls, ca: new ClusterCa(stack, "ca", { provider: p.tls }), namespace }),
};

describe("a namespace token", () => {
  test("CockroachStatefulSet puts every object in it and dials pods through it", () => {
    const json = withNamespace(builders.CockroachStatefulSet);
    const sts = onlyResource(json, "kubernetes_stateful_set_v1");
    expect(sts.metadata.namespace).toBe(ref);
    for (const service of resources(json, "kubernetes_service_v1")) expect(service.metadata.namespace).toBe(ref);
    expect(onlyResource(json, "kubernetes_config_map_v1").data.join).toBe(`crdb-aws-0.${ref}.svc.cluster.local:26257`);
    expect(onlyResource(json, "kubernetes_cluster_role_binding_v1").subject[0].namespace).toBe(ref);
  });

  test("CockroachCertsSecret and CockroachSqlClient are created in it", () => {
    expect(onlyResource(withNamespace(builders.CockroachCertsSecret), "kubernetes_secret_v1").metadata.namespace).toBe(ref);
    expect(onlyResource(withNamespace(builders.CockroachSqlClient), "kubernetes_deployment_v1").metadata.namespace).toBe(ref);
  });

  test("NodeCertificate covers the names under it", () => {
    const request = onlyResource(withNamespace(builders.NodeCertificate), "tls_cert_request");
    expect(request.dns_names).toEqual(expect.arrayContaining([`*.${ref}`, `*.${ref}.svc`, `*.${ref}.svc.cluster.local`]));
  });

  test.each(Object.keys(builders))("%s still rejects a bad literal namespace", (name) => {
    expect(() => synth((stack, p) => builders[name](stack, p, "Cockroach_DB"))).toThrow('namespace: invalid value "Cockroach_DB". Use an RFC 1123 label');
  });
});
