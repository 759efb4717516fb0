/**
 * Regions, zones and Kubernetes versions each cloud offers, as known on the date below. The
 * format checks in site-inputs catch the wrong shape; these catch names of the right shape that
 * do not exist (`us-east-7`, `us-east-1h`) or a version the managed service no longer or not
 * yet offers. The world changes faster than this list: a site sets `allowUnknownRegion: true` or
 * `allowUnsupportedKubernetesVersion: true` to pass one that is newer than the list.
 *
 * Sources: each provider's region list (AWS "Regions and Availability Zones", Google Cloud
 * "Regions and zones", Azure "Azure regions with availability zone support"); versions from the
 * release calendars: EKS 14 months standard + 12 months extended support per minor, GKE about 14
 * months per minor (plus the Extended channel), AKS the three newest GA minors plus LTS.
 */
import type { CloudName } from "./site-inputs";

export const LOCATIONS_KNOWN_AS_OF = "2026-12";

/** AWS regions, each with its zone letters ("abc" unless listed in AWS_ZONE_LETTERS). */
const AWS_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "mx-central-1", "sa-east-1",
  "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
  "il-central-1", "me-south-1", "me-central-1", "af-south-1",
  "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
  "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
];
const AWS_ZONE_LETTERS: Readonly<Record<string, string>> = {
  "us-east-1": "abcdef",
  "us-west-2": "abcd",
  "ap-northeast-1": "acd",
  "ap-northeast-2": "abcd",
  "ca-central-1": "abd",
  "cn-north-1": "abd",
};

const GCP_REGIONS = [
  "us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3", "us-west4",
  "northamerica-northeast1", "northamerica-northeast2", "northamerica-south1", "southamerica-east1", "southamerica-west1",
  "europe-central2", "europe-north1", "europe-north2", "europe-southwest1", "europe-west1", "europe-west2", "europe-west3",
  "europe-west4", "europe-west6", "europe-west8", "europe-west9", "europe-west10", "europe-west12",
  "me-central1", "me-central2", "me-west1", "africa-south1",
  "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3", "asia-south1", "asia-south2",
  "asia-southeast1", "asia-southeast2", "australia-southeast1", "australia-southeast2",
];
/** GCP zone letters are a-c in most regions, some use b-d or a-c plus f. */
const GCP_ZONE_LETTERS = "abcdf";

/** Azure regions with availability zones: the AKS site spreads nodes over zones 1-3. */
const AZURE_ZONE_REGIONS = [
  "eastus", "eastus2", "centralus", "southcentralus", "westus2", "westus3", "canadacentral", "mexicocentral", "brazilsouth", "chilecentral",
  "northeurope", "westeurope", "uksouth", "francecentral", "germanywestcentral", "switzerlandnorth", "norwayeast", "swedencentral",
  "polandcentral", "italynorth", "spaincentral", "austriaeast", "belgiumcentral", "denmarkeast",
  "israelcentral", "qatarcentral", "uaenorth", "southafricanorth",
  "australiaeast", "centralindia", "eastasia", "southeastasia", "japaneast", "japanwest", "koreacentral",
  "indonesiacentral", "malaysiawest", "newzealandnorth",
];
/** Azure regions without availability zones: real, but a site there cannot spread over zones. */
const AZURE_REGIONS_WITHOUT_ZONES = [
  "westus", "northcentralus", "westcentralus", "canadaeast", "brazilsoutheast", "ukwest", "francesouth", "germanynorth",
  "switzerlandwest", "norwaywest", "swedensouth", "uaecentral", "southafricawest", "australiacentral", "australiacentral2",
  "australiasoutheast", "southindia", "westindia", "jioindiawest", "jioindiacentral", "koreasouth",
];

/** Minor versions (1.x) each managed service offers on LOCATIONS_KNOWN_AS_OF, oldest to newest. */
export const KUBERNETES_MINORS: Readonly<Record<CloudName, readonly [number, number]>> = {
  aws: [32, 37],
  gcp: [32, 37],
  azure: [33, 37],
};

const HATCH = "set allowUnknownRegion: true on the site if it is newer than this list";

/** The fix for a region the cloud does not have, or undefined. Only called on well-formed names. */
export function unknownRegionFix(cloud: CloudName, region: string): string | undefined {
  switch (cloud) {
    case "aws":
      return AWS_REGIONS.includes(region) ? undefined : `AWS has no region ${JSON.stringify(region)} (known ${LOCATIONS_KNOWN_AS_OF}: ${closest(region, AWS_REGIONS)}); ${HATCH}.`;
    case "gcp":
      return GCP_REGIONS.includes(region) ? undefined : `Google Cloud has no region ${JSON.stringify(region)} (known ${LOCATIONS_KNOWN_AS_OF}: ${closest(region, GCP_REGIONS)}); ${HATCH}.`;
    case "azure":
      if (AZURE_REGIONS_WITHOUT_ZONES.includes(region)) {
        return `Azure region ${JSON.stringify(region)} has no availability zones, and a site spreads its nodes over zones 1-3; choose a region with zones (${closest(region, AZURE_ZONE_REGIONS)}).`;
      }
      return AZURE_ZONE_REGIONS.includes(region) ? undefined : `Azure has no region ${JSON.stringify(region)} with availability zones (known ${LOCATIONS_KNOWN_AS_OF}: ${closest(region, AZURE_ZONE_REGIONS)}); ${HATCH}.`;
  }
}

/** The fix for a zone of a known region that the region does not have, or undefined. */
export function unknownZoneFix(cloud: CloudName, region: string, zone: string): string | undefined {
  const letters = cloud === "aws" ? (AWS_ZONE_LETTERS[region] ?? "abc") : cloud === "gcp" ? GCP_ZONE_LETTERS : undefined;
  if (letters === undefined) return undefined;
  const letter = zone.slice(-1);
  if (letters.includes(letter)) return undefined;
  const zones = letters.split("").map((l) => (cloud === "aws" ? `${region}${l}` : `${region}-${l}`));
  return `Region ${JSON.stringify(region)} has no zone ${JSON.stringify(zone)} (known ${LOCATIONS_KNOWN_AS_OF}: ${zones.join(", ")}); ${HATCH}.`;
}

/** The fix for a Kubernetes version the managed service does not offer, or undefined. Only called on well-formed versions. */
export function unsupportedKubernetesVersionFix(cloud: CloudName, version: string): string | undefined {
  const minor = Number(version.split(".")[1]);
  const [oldest, newest] = KUBERNETES_MINORS[cloud];
  if (minor >= oldest && minor <= newest) return undefined;
  const service = { aws: "EKS", gcp: "GKE", azure: "AKS" }[cloud];
  const when = minor < oldest ? "no longer offers" : "does not offer yet";
  return `${service} ${when} Kubernetes 1.${minor} (it offers 1.${oldest} to 1.${newest} as of ${LOCATIONS_KNOWN_AS_OF}); use one of those, or set allowUnsupportedKubernetesVersion: true on the site if the list is out of date.`;
}

/** The three known names closest to `name` (same prefix first), so the fix shows the likely intent. */
function closest(name: string, known: readonly string[]): string {
  const score = (candidate: string) => {
    let common = 0;
    while (common < name.length && name[common] === candidate[common]) common++;
    return common;
  };
  const best = [...known].sort((a, b) => score(b) - score(a)).slice(0, 3);
  return `${best.map((r) => JSON.stringify(r)).join(", ")}, ...`;
}
