import {
  MAX_ZONES,
  checkClusterName,
  checkEksVpcCidr,
  checkGkeNodeCount,
  checkKubernetesVersion,
  checkMachineType,
  checkPrefixLength,
  checkRegion,
  checkZone,
  checkZoneList,
  checkZones,
  checkDiskSizeGb,
  cidrHost,
  cidrSubnet,
  defaultClusterName,
  defaultZones,
  resolveCloudSiteInputs,
} from "../../lib/sites/site-inputs";

describe("regions, zones and defaults per cloud", () => {
  test("valid regions", () => {
    for (const region of ["us-west-2", "eu-central-1", "us-gov-west-1", "ap-southeast-4", "il-central-1", "cn-north-1"]) {
      expect(checkRegion("aws", "region", region)).toBe(region);
    }
    for (const region of ["us-central1", "europe-west4", "northamerica-northeast2", "me-central2"]) {
      expect(checkRegion("gcp", "region", region)).toBe(region);
    }
    for (const region of ["eastus2", "westeurope", "germanywestcentral", "uksouth"]) {
      expect(checkRegion("azure", "region", region)).toBe(region);
    }
  });

  test("a region of the wrong cloud names the field, value and an example", () => {
    expect(() => checkRegion("aws", "sites[0].region", "westeurope")).toThrow(
      'sites[0].region: invalid value "westeurope". Use an AWS region name such as "us-west-2".',
    );
    expect(() => checkRegion("gcp", "region", "eu-west-1")).toThrow('region: invalid value "eu-west-1". Use a Google Cloud region name such as "us-central1".');
    expect(() => checkRegion("azure", "region", "us-central1")).toThrow('region: invalid value "us-central1". Use an Azure region name such as "eastus2"');
  });

  test("default zones", () => {
    expect(defaultZones("aws", "eu-west-1")).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    expect(defaultZones("aws", "ca-central-1")).toEqual(["ca-central-1a", "ca-central-1b", "ca-central-1d"]);
    expect(defaultZones("gcp", "europe-west1")).toEqual(["europe-west1-b", "europe-west1-c", "europe-west1-d"]);
    expect(defaultZones("gcp", "europe-west4")).toEqual(["europe-west4-a", "europe-west4-b", "europe-west4-c"]);
    expect(defaultZones("azure", "westeurope")).toEqual(["1", "2", "3"]);
    expect(() => defaultZones("aws", "us-west-1")).toThrow(
      'zones: invalid value undefined. There is no default for region "us-west-1": us-west-1 offers most accounts only two Availability Zones.',
    );
  });

  test("one zone, and the list as a whole (for callers that report every zone)", () => {
    expect(checkZone("azure", "zones[0]", "2", "eastus2")).toBe("2");
    expect(() => checkZone("aws", "sites[0].zones[1]", "us-west-2b", "us-east-1")).toThrow(
      'sites[0].zones[1]: invalid value "us-west-2b". Use a zone of region "us-east-1": "us-east-1a".',
    );
    expect(() => checkZone("azure", "zones[2]", "4", "eastus2")).toThrow('zones[2]: invalid value "4". Use a zone of region "eastus2": "1", "2" or "3".');
    // Only the list: zones of another region pass here.
    expect(checkZoneList("zones", ["x", "y", "z"])).toEqual(["x", "y", "z"]);
    expect(() => checkZoneList("zones", ["1", "2", "1"])).toThrow('zones: invalid value ["1","2","1"]. List each zone once.');
    expect(() => checkZoneList("zones", ["1", "2"])).toThrow('zones: invalid value ["1","2"]. Give at least 3 distinct zones');
  });

  test("zones must belong to the region, be distinct and at least 3", () => {
    expect(checkZones("aws", "zones", ["eu-west-1a", "eu-west-1b", "eu-west-1c"], "eu-west-1")).toEqual(["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    // A region whose name merely starts with the given one is another region.
    expect(() => checkZones("gcp", "zones", ["us-east1-b", "us-east1-c", "us-east10-d"], "us-east1")).toThrow('zones[2]: invalid value "us-east10-d"');
    const seven = (zone: string) => ["a", "b", "c", "d", "e", "f", "g"].map((letter) => `${zone}${letter}`);
    expect(MAX_ZONES).toEqual({ aws: 6 });
    expect(checkZones("aws", "zones", seven("us-east-1").slice(0, 6), "us-east-1")).toHaveLength(6);
    expect(() => checkZones("aws", "zones", seven("us-east-1"), "us-east-1")).toThrow(
      `zones: invalid value ${JSON.stringify(seven("us-east-1"))}. Give 3 to 6 distinct zones: the database keeps a replica in each of 3 zones so it survives losing one.`,
    );
    expect(checkZones("gcp", "zones", seven("us-east4-"), "us-east4")).toHaveLength(7);
    expect(() => checkZoneList("sites[0].zones", ["1", "2", "3", "4"], 3)).toThrow('sites[0].zones: invalid value ["1","2","3","4"]. Give 3 to 3 distinct zones');
  });
});

describe("machine types and Kubernetes versions per cloud", () => {
  test("valid machine types", () => {
    for (const t of ["m6i.2xlarge", "m7g.large", "c7gn.16xlarge", "t3.micro", "u-6tb1.metal", "m7i.metal-24xl", "x2iedn.32xlarge"]) {
      expect(checkMachineType("aws", "machineType", t)).toBe(t);
    }
    for (const t of ["n2-standard-8", "e2-medium", "n2-custom-8-32768", "c3-highmem-176", "c4-standard-8-lssd", "f1-micro"]) {
      expect(checkMachineType("gcp", "machineType", t)).toBe(t);
    }
    for (const t of ["Standard_D8s_v5", "Standard_E16ads_v5", "Standard_B2ms", "Standard_M128-32ms", "Standard_NC24ads_A100_v4"]) {
      expect(checkMachineType("azure", "machineType", t)).toBe(t);
    }
  });

  test("unknown formats", () => {
    expect(() => checkMachineType("aws", "machineType", "m6i-2xlarge")).toThrow('machineType: invalid value "m6i-2xlarge". Use an AWS machine type such as "m6i.2xlarge".');
    expect(() => checkMachineType("aws", "machineType", "M6i.2xlarge")).toThrow('machineType: invalid value "M6i.2xlarge"');
    expect(() => checkMachineType("gcp", "machineType", "standard-8")).toThrow('machineType: invalid value "standard-8". Use a Google Cloud machine type such as "n2-standard-8".');
    expect(() => checkMachineType("azure", "machineType", "standard_d8s_v5")).toThrow('machineType: invalid value "standard_d8s_v5". Use an Azure machine type such as "Standard_D8s_v5".');
  });

  test("Kubernetes versions", () => {
    expect(checkKubernetesVersion("aws", "v", "1.34")).toBe("1.34");
    expect(checkKubernetesVersion("gcp", "v", "1.34.1-gke.1000")).toBe("1.34.1-gke.1000");
    expect(checkKubernetesVersion("azure", "v", "1.34.1")).toBe("1.34.1");
    expect(() => checkKubernetesVersion("aws", "kubernetesVersion", "latest")).toThrow('kubernetesVersion: invalid value "latest". Use a Kubernetes version such as "1.34" (EKS takes major.minor only).');
    expect(() => checkKubernetesVersion("azure", "kubernetesVersion", "1.34.1.2")).toThrow('kubernetesVersion: invalid value "1.34.1.2"');
  });

  test("node disk sizes", () => {
    expect(checkDiskSizeGb("diskSizeGb", 30)).toBe(30);
    expect(checkDiskSizeGb("diskSizeGb", 2048)).toBe(2048);
    expect(() => checkDiskSizeGb("nodes.diskSizeGb", 29)).toThrow("nodes.diskSizeGb: invalid value 29. Use a whole number between 30 and 2048.");
    expect(() => checkDiskSizeGb("diskSizeGb", 2049)).toThrow("diskSizeGb: invalid value 2049.");
  });

  test("cluster names follow the strictest cloud's rule", () => {
    expect(checkClusterName("clusterName", "crdb-aws")).toBe("crdb-aws");
    expect(() => checkClusterName("clusterName", "a".repeat(41))).toThrow(`clusterName: invalid value "${"a".repeat(41)}". Use 1-40 lower-case letters`);
    expect(() => checkClusterName("clusterName", "crdb_aws")).toThrow('clusterName: invalid value "crdb_aws"');
  });
});

describe("address arithmetic", () => {
  test("cidrSubnet matches Terraform's cidrsubnet", () => {
    expect(cidrSubnet("vpcCidr", "10.10.0.0/16", 3, 0)).toBe("10.10.0.0/19");
    expect(cidrSubnet("vpcCidr", "10.10.0.0/16", 3, 2)).toBe("10.10.64.0/19");
    expect(cidrSubnet("vpcCidr", "10.10.0.0/16", 6, 58)).toBe("10.10.232.0/22");
    expect(cidrSubnet("vpcCidr", "172.31.0.0/20", 6, 63)).toBe("172.31.15.192/26");
    expect(() => cidrSubnet("vpcCidr", "10.10.0.0/30", 6, 0)).toThrow('vpcCidr: invalid value "10.10.0.0/30". It is too small to hold subnet 0 of /36.');
  });

  test("cidrHost", () => {
    expect(cidrHost("serviceCidr", "10.31.0.0/16", 10)).toBe("10.31.0.10");
    expect(() => cidrHost("serviceCidr", "10.31.0.0/29", 10)).toThrow('serviceCidr: invalid value "10.31.0.0/29". It is too small to hold address number 10.');
  });

  test("prefix lengths", () => {
    expect(checkPrefixLength("vpcCidr", "10.0.0.0/18", 16, 20, "why")).toBe("10.0.0.0/18");
    expect(() => checkPrefixLength("vpcCidr", "10.0.0.0/8", 16, 20, "each zone gets 1/8")).toThrow(
      'vpcCidr: invalid value "10.0.0.0/8". Use a /16 to /20 block: each zone gets 1/8.',
    );
  });
});

describe("resolveCloudSiteInputs", () => {
  test("defaults: 3 nodes over 3 zones, 8 vCPU machines, 100 GiB disks", () => {
    expect(resolveCloudSiteInputs("aws", { siteName: "aws", region: "us-east-2" })).toEqual({
      siteName: "aws",
      region: "us-east-2",
      zones: ["us-east-2a", "us-east-2b", "us-east-2c"],
      clusterName: "crdb-aws",
      kubernetesVersion: undefined,
      machineType: "m6i.2xlarge",
      nodeCount: 3,
      diskSizeGb: 100,
      apiAccessCidrs: undefined,
    });
    expect(resolveCloudSiteInputs("gcp", { siteName: "gcp", region: "us-central1" }).machineType).toBe("n2-standard-8");
    expect(resolveCloudSiteInputs("azure", { siteName: "az", region: "eastus2" }).machineType).toBe("Standard_D8s_v5");
  });

  test("a long site name breaks the default cluster name with a message naming siteName", () => {
    expect(() => resolveCloudSiteInputs("gcp", { siteName: "a".repeat(40), region: "us-central1" })).toThrow(
      `siteName: invalid value "${"a".repeat(40)}". Use at most 35 characters: the cluster is named "crdb-" + the site name, and cluster names have at most 40.`,
    );
    // With a cluster name of its own the site name may be longer.
    expect(resolveCloudSiteInputs("gcp", { siteName: "a".repeat(40), region: "us-central1", clusterName: "db" }).clusterName).toBe("db");
  });
});

describe("rules the topology file shares with the site constructs", () => {
  test("defaultClusterName", () => {
    expect(defaultClusterName("siteName", "a".repeat(35))).toBe(`crdb-${"a".repeat(35)}`);
    expect(() => defaultClusterName("sites[0].name", "a".repeat(36))).toThrow(
      `sites[0].name: invalid value "${"a".repeat(36)}". Use at most 35 characters: the cluster is named "crdb-" + the site name, and cluster names have at most 40.`,
    );
  });

  test("checkEksVpcCidr", () => {
    expect(checkEksVpcCidr("vpcCidr", "10.0.0.0/16")).toBe("10.0.0.0/16");
    expect(checkEksVpcCidr("vpcCidr", "10.0.0.0/20")).toBe("10.0.0.0/20");
    for (const cidr of ["10.0.0.0/15", "10.0.0.0/21"]) {
      expect(() => checkEksVpcCidr("vpcCidr", cidr)).toThrow(`vpcCidr: invalid value "${cidr}". Use a /16 to /20 block: each zone gets 1/8 of it for nodes and pods.`);
    }
  });

  test("checkGkeNodeCount", () => {
    expect(checkGkeNodeCount("nodeCount", 6, 3)).toBe(6);
    expect(() => checkGkeNodeCount("nodeCount", 4, 3)).toThrow("nodeCount: invalid value 4. GKE runs the same number of nodes in each zone; use a multiple of the 3 zones.");
    expect(() => checkGkeNodeCount("nodeCount", 3, 4)).toThrow("nodeCount: invalid value 3. GKE runs the same number of nodes in each zone; use a multiple of the 4 zones.");
    // No zones is the zone list's problem, not this one's.
    expect(checkGkeNodeCount("nodeCount", 4, 0)).toBe(4);
  });
});
