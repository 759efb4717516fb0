import {
  MAX_ZONES,
  checkAdminPrincipalArns,
  checkAksNetwork,
  checkClusterName,
  checkEksNetwork,
  checkEksVpcCidr,
  checkGcpProjectId,
  checkGkeNetwork,
  checkGkeNodeCount,
  checkIamPrincipalArn,
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

  test("checkEksNetwork: VPC size, private service range of /12 to /24 outside the VPC", () => {
    expect(checkEksNetwork({ vpcCidr: "10.0.0.0/16", serviceCidr: "172.20.0.0/16" })).toEqual({ vpcCidr: "10.0.0.0/16", serviceCidr: "172.20.0.0/16" });
    const fields = { vpcCidr: "network.vpcCidr", serviceCidr: "network.serviceCidr" };
    const bad: Array<[string, string, string]> = [
      ["10.0.0.0/21", "172.20.0.0/16", 'network.vpcCidr: invalid value "10.0.0.0/21". Use a /16 to /20 block'],
      ["10.0.0.0/16", "172.0.0.0/11", 'network.serviceCidr: invalid value "172.0.0.0/11". Use a /12 to /24 block: EKS accepts only that range of sizes.'],
      ["10.0.0.0/16", "172.20.0.0/25", 'network.serviceCidr: invalid value "172.20.0.0/25". Use a /12 to /24 block'],
      ["10.0.0.0/16", "100.64.0.0/16", 'network.serviceCidr: invalid value "100.64.0.0/16". EKS needs a private range inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.'],
      // Starts inside 192.168.0.0/16 and ends past it.
      ["10.0.0.0/16", "192.168.0.0/15", 'network.serviceCidr: invalid value "192.168.0.0/15". EKS needs a private range'],
      ["10.0.0.0/16", "10.0.0.0/20", 'network.serviceCidr: invalid value "10.0.0.0/20". It overlaps network.vpcCidr (10.0.0.0/16); choose disjoint ranges.'],
    ];
    for (const [vpcCidr, serviceCidr, message] of bad) expect(() => checkEksNetwork({ vpcCidr, serviceCidr }, fields)).toThrow(message);
  });

  test("checkGkeNetwork: a subnet of at least /29, pods of at least /24, all disjoint", () => {
    const network = { nodeCidr: "10.20.0.0/29", podCidr: "10.24.0.0/24", serviceCidr: "10.21.0.0/28" };
    expect(checkGkeNetwork(network)).toEqual(network);
    const fields = { nodeCidr: "network.subnetCidr", podCidr: "network.podsCidr", serviceCidr: "network.servicesCidr" };
    expect(() => checkGkeNetwork({ ...network, nodeCidr: "10.20.0.0/30" }, fields)).toThrow(
      'network.subnetCidr: invalid value "10.20.0.0/30". Use a /29 or larger block: Google Cloud\'s smallest subnet range; it reserves 4 of its addresses.',
    );
    expect(() => checkGkeNetwork({ ...network, podCidr: "10.24.0.0/25" }, fields)).toThrow(
      'network.podsCidr: invalid value "10.24.0.0/25". Use a /24 or larger block: GKE takes a /24 of it for each node (110 pods per node).',
    );
    // 3 nodes over 3 zones surge to 6 at once: a /29 holds 4 node addresses, a /24 of pods one node.
    expect(checkGkeNetwork({ ...network, nodeCidr: "10.20.0.0/28", podCidr: "10.24.0.0/21" }, fields, 6)).toBeDefined();
    expect(() => checkGkeNetwork(network, fields, 6)).toThrow(
      'network.subnetCidr: invalid value "10.20.0.0/29". It has 4 usable addresses but must hold 6 nodes at once (the pool plus one surge node per zone during upgrades); use a larger block.',
    );
    expect(() => checkGkeNetwork({ ...network, nodeCidr: "10.20.0.0/28", podCidr: "10.24.0.0/22" }, fields, 6)).toThrow(
      'network.podsCidr: invalid value "10.24.0.0/22". GKE takes a /24 per node, so it holds 4 nodes but must hold 6 nodes at once',
    );
    expect(() => checkGkeNetwork({ ...network, serviceCidr: "10.24.0.0/28" }, fields)).toThrow(
      'network.servicesCidr: invalid value "10.24.0.0/28". It overlaps network.podsCidr (10.24.0.0/24); choose disjoint ranges.',
    );
  });

  test("checkAksNetwork: subnet inside the VNet, no reserved range, disjoint, room for the DNS address", () => {
    const network = { vnetCidr: "10.30.0.0/16", nodeCidr: "10.30.0.0/20", podCidr: "10.32.0.0/14", serviceCidr: "10.31.0.0/28" };
    expect(checkAksNetwork(network)).toEqual({ ...network, dnsServiceIp: "10.31.0.10" });
    const fields = { vnetCidr: "network.vnetCidr", nodeCidr: "network.subnetCidr" };
    expect(() => checkAksNetwork({ ...network, nodeCidr: "10.40.0.0/20" }, fields)).toThrow(
      'network.subnetCidr: invalid value "10.40.0.0/20". The node subnet must lie inside network.vnetCidr (10.30.0.0/16).',
    );
    expect(() => checkAksNetwork({ ...network, podCidr: "192.0.0.0/22" }, fields)).toThrow(
      'podCidr: invalid value "192.0.0.0/22". AKS reserves 192.0.2.0/24; choose a range outside 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24.',
    );
    expect(() => checkAksNetwork({ ...network, serviceCidr: "10.30.128.0/20" }, fields)).toThrow(
      'serviceCidr: invalid value "10.30.128.0/20". It overlaps network.vnetCidr (10.30.0.0/16); choose disjoint ranges.',
    );
    expect(() => checkAksNetwork({ ...network, serviceCidr: "10.31.0.0/29" })).toThrow('serviceCidr: invalid value "10.31.0.0/29". It is too small to hold address number 10.');
  });

  test("checkGcpProjectId", () => {
    expect(checkGcpProjectId("project", "crdb-prod-1")).toBe("crdb-prod-1");
    for (const id of ["My Project", "123456789012", "crdb", "crdb-prod-", "1crdb-prod", "a".repeat(31)]) {
      expect(() => checkGcpProjectId("accounts.gcpProject", id)).toThrow(
        `accounts.gcpProject: invalid value ${JSON.stringify(id)}. Use a project ID (not the name or number) such as "my-project-123": 6-30 lower-case letters, digits and '-', starting with a letter and not ending with '-'.`,
      );
    }
  });

  test("checkIamPrincipalArn and checkAdminPrincipalArns", () => {
    for (const arn of ["arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:user/ops/alice", "arn:aws-us-gov:iam::123456789012:role/a"]) {
      expect(checkIamPrincipalArn("arn", arn)).toBe(arn);
    }
    for (const arn of ["arn:aws:sts::123456789012:assumed-role/admin/me", "arn:aws:iam::1234:role/admin", "admin"]) {
      expect(() => checkIamPrincipalArn("adminPrincipalArns[0]", arn)).toThrow(
        `adminPrincipalArns[0]: invalid value ${JSON.stringify(arn)}. Use an IAM role or user ARN such as "arn:aws:iam::123456789012:role/admin" (not an assumed-role session ARN).`,
      );
    }
    const arns = ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b"];
    expect(checkAdminPrincipalArns("adminPrincipalArns", arns)).toEqual(arns);
    expect(() => checkAdminPrincipalArns("adminPrincipalArns", [arns[0], "x"])).toThrow('adminPrincipalArns[1]: invalid value "x".');
    expect(() => checkAdminPrincipalArns("adminPrincipalArns", [arns[0], arns[0]])).toThrow(
      `adminPrincipalArns: invalid value ${JSON.stringify([arns[0], arns[0]])}. List each ARN once: EKS allows one access entry per principal.`,
    );
  });
});
