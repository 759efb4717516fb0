import { Token } from "cdktf";
import {
  ConfigError,
  checkDisjointCidrs,
  checkDnsLabel,
  checkDnsSubdomain,
  checkInteger,
  checkNamespace,
  checkPinnedImage,
  checkUniqueNames,
  describeValue,
  parseCpuMillis,
  parseIpv4Cidr,
} from "../../lib/core/validation";
import { joinAddresses, nodeCertificateDnsNames, podFqdn, remotePodNames, statefulSetName } from "../../lib/core/naming";

describe("validation helpers", () => {
  test("DNS labels", () => {
    expect(checkDnsLabel("namespace", "cockroachdb")).toBe("cockroachdb");
    expect(() => checkDnsLabel("namespace", "Cockroach_DB")).toThrow(
      'namespace: invalid value "Cockroach_DB". Use an RFC 1123 label',
    );
    expect(() => checkDnsLabel("namespace", "-a")).toThrow(ConfigError);
    expect(() => checkDnsLabel("namespace", "a".repeat(64))).toThrow("1-63 characters");
  });

  test("namespaces: a literal must be a DNS label, a token (e.g. a NamespaceV1's name) passes through", () => {
    expect(checkNamespace("namespace", "cockroachdb")).toBe("cockroachdb");
    expect(() => checkNamespace("namespace", "Cockroach_DB")).toThrow('namespace: invalid value "Cockroach_DB". Use an RFC 1123 label');
    const token = Token.asString({ Ref: "namespace" });
    expect(checkNamespace("namespace", token)).toBe(token);
  });

  test("unique names: the message names the repeat and the entry it repeats", () => {
    const field = (i: number) => `sites[${i}].siteName`;
    expect(() => checkUniqueNames(field, ["aws", "gcp", "azure"], "Site names must be unique")).not.toThrow();
    expect(() => checkUniqueNames(field, ["aws", "gcp", "gcp", "aws"], "Site names must be unique")).toThrow(
      'sites[2].siteName: invalid value "gcp". Site names must be unique; sites[1].siteName already uses it.',
    );
  });

  test("values in messages are JSON, so strings show their quotes", () => {
    expect(describeValue("a b")).toBe('"a b"');
    expect(describeValue(undefined)).toBe("undefined");
    expect(describeValue([1, "x"])).toBe('[1,"x"]');
  });

  test("DNS subdomains", () => {
    expect(checkDnsSubdomain("clusterDomain", "cluster.local")).toBe("cluster.local");
    expect(() => checkDnsSubdomain("clusterDomain", "cluster..local")).toThrow("clusterDomain: invalid value \"cluster..local\"");
  });

  test("integers", () => {
    expect(checkInteger("replicas", 3, 1)).toBe(3);
    expect(() => checkInteger("replicas", 0, 1)).toThrow("replicas: invalid value 0. Use a whole number >= 1.");
    expect(() => checkInteger("port", 2.5, 1, 65535)).toThrow("between 1 and 65535");
  });

  test("CPU quantities", () => {
    expect(parseCpuMillis("cpu", "2")).toBe(2000);
    expect(parseCpuMillis("cpu", "500m")).toBe(500);
    expect(parseCpuMillis("cpu", "1.5")).toBe(1500);
    for (const bad of ["two", "0", "0.5m", "-1"]) {
      expect(() => parseCpuMillis("cpu", bad)).toThrow(`cpu: invalid value ${JSON.stringify(bad)}. Use a positive Kubernetes CPU quantity`);
    }
  });

  test("pinned images", () => {
    for (const good of ["cockroachdb/cockroach:v26.2.7", "localhost:5000/crdb:v1", `quay.io/x/y@sha256:${"a".repeat(64)}`]) {
      expect(checkPinnedImage("image", good, "x:v1")).toBe(good);
    }
    for (const bad of ["cockroachdb/cockroach", "cockroachdb/cockroach:latest", "crdb:latest-v26", "localhost:5000/crdb"]) {
      expect(() => checkPinnedImage("image", bad, "x:v1")).toThrow(
        `image: invalid value ${JSON.stringify(bad)}. Pin a release with a version tag or an @sha256 digest, e.g. "x:v1"`,
      );
    }
    // Not image references at all (the OCI distribution grammar).
    for (const bad of ["crdb: v1", "crdb@sha256:abc", "CockroachDB/cockroach:v1", "crdb:v1;id", "${file(\"/etc/passwd\")}:v1", "-crdb:v1", "crdb/:v1"]) {
      expect(() => checkPinnedImage("image", bad, "x:v1")).toThrow(
        `image: invalid value ${JSON.stringify(bad)}. Pin a release with a version tag or an @sha256 digest, e.g. "x:v1", in a valid image reference: lower-case repository path`,
      );
    }
  });

  test("CIDRs", () => {
    expect(parseIpv4Cidr("vpcCidr", "10.10.0.0/16")).toEqual({ text: "10.10.0.0/16", start: 0x0a0a0000, end: 0x0a0affff });
    expect(() => parseIpv4Cidr("vpcCidr", "10.10.0.1/16")).toThrow("bits set past the /16 prefix");
    expect(() => parseIpv4Cidr("vpcCidr", "10.300.0.0/16")).toThrow('vpcCidr: invalid value "10.300.0.0/16"');
    expect(() =>
      checkDisjointCidrs([
        ["nodeCidr", "10.0.0.0/16"],
        ["serviceCidr", "10.0.128.0/20"],
      ]),
    ).toThrow('serviceCidr: invalid value "10.0.128.0/20". It overlaps nodeCidr (10.0.0.0/16); choose disjoint ranges.');
    expect(() =>
      checkDisjointCidrs([
        ["nodeCidr", "10.0.0.0/16"],
        ["serviceCidr", "10.1.0.0/16"],
      ]),
    ).not.toThrow();
  });
});

describe("naming contract", () => {
  test("names derive from prefix, site, namespace and domain", () => {
    expect(statefulSetName("crdb", "aws")).toBe("crdb-aws");
    expect(() => statefulSetName("crdb", "AWS")).toThrow("statefulSetName: invalid value \"crdb-AWS\"");
    expect(podFqdn("crdb-aws-0", "cockroachdb", "cluster.local")).toBe("crdb-aws-0.cockroachdb.svc.cluster.local");
    expect(
      joinAddresses(
        [
          { siteName: "aws", statefulSetName: "crdb-aws", replicas: 5 },
          { siteName: "gcp", statefulSetName: "crdb-gcp", replicas: 1 },
        ],
        "db",
        "cluster.local",
      ),
    ).toEqual([
      "crdb-aws-0.db.svc.cluster.local:26257",
      "crdb-aws-1.db.svc.cluster.local:26257",
      "crdb-aws-2.db.svc.cluster.local:26257",
      "crdb-gcp-0.db.svc.cluster.local:26257",
    ]);
    expect(nodeCertificateDnsNames("db", "cluster.local", ["crdb-public"])).toEqual([
      "localhost",
      "*.db",
      "*.db.svc",
      "*.db.svc.cluster.local",
      "crdb-public",
    ]);
  });

  test("remote pods are every other site's pods, in site order", () => {
    const sites = [
      { siteName: "aws", statefulSetName: "crdb-aws", replicas: 2 },
      { siteName: "gcp", statefulSetName: "crdb-gcp", replicas: 1 },
      { siteName: "azure", statefulSetName: "crdb-azure", replicas: 3 },
    ];
    expect(remotePodNames(sites, "gcp")).toEqual(["crdb-aws-0", "crdb-aws-1", "crdb-azure-0", "crdb-azure-1", "crdb-azure-2"]);
    expect(remotePodNames(sites.slice(0, 1), "aws")).toEqual([]);
    expect(() => remotePodNames(sites, "oci")).toThrow('siteName: invalid value "oci". Use one of the sites listed in sites: aws, gcp, azure.');
  });
});
