/**
 * Formats of the identifiers a topology passes to Terraform, to cloud APIs and into printed
 * commands. Each is the owning system's own rule (or, where that rule admits characters no real
 * name uses, a safe subset of it), so that nothing Terraform would read as a template (`${`,
 * `%{`) or a shell as syntax can pass as a name. Free text that must pass (file paths) is
 * checked for control characters here and escaped where it is used.
 */
import { fail, unsafeTextFix, withNonAsciiHint } from "./validation";

/** A text format: what a valid value looks like, how long it may be, and what to tell the user. */
export interface TextFormat {
  readonly pattern: RegExp;
  readonly maxLength: number;
  readonly fix: string;
  /** A rule the pattern cannot express; returns the fix when broken. */
  readonly extra?: (value: string) => string | undefined;
}

/** The fix for `value` under `format`, or undefined when it matches. Unsafe characters are named first. */
export function formatFix(format: TextFormat, value: string): string | undefined {
  const unsafe = unsafeTextFix(value, format.maxLength);
  if (unsafe) return unsafe;
  const fix = format.pattern.test(value) ? format.extra?.(value) : format.fix;
  return fix === undefined ? undefined : withNonAsciiHint(fix, value);
}

export function checkFormat(field: string, value: string, format: TextFormat): string {
  if (typeof value !== "string") fail(field, value, "Use a string.");
  const fix = formatFix(format, value);
  if (fix) fail(field, value, fix);
  return value;
}

// ---- container images ---------------------------------------------------------------------

/**
 * An image reference per the OCI distribution grammar (distribution/reference, reference.go):
 * `[domain[:port]/]path[:tag][@digest]`, path components lower-case alphanumerics joined by
 * `.`, `_`, `__` or dashes; tags `[\w][\w.-]{0,127}`; digests `algorithm:hex` (32+ hex digits).
 */
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
export const IMAGE_REFERENCE = new RegExp(
  `^(?:(?<domain>${DOMAIN})/)?(?<path>${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(?<tag>${TAG}))?(?:@(?<digest>${DIGEST}))?$`,
);

export interface ImageReference {
  readonly domain?: string;
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits an image reference; undefined when it breaks the grammar. A first part without '.', ':' or "localhost" is a path, as Docker reads it. */
export function parseImageReference(image: string): ImageReference | undefined {
  const groups = IMAGE_REFERENCE.exec(image)?.groups;
  if (!groups) return undefined;
  let domain: string | undefined = groups.domain;
  let path = groups.path;
  if (domain !== undefined && !/[.:]|^localhost$|^\[/.test(domain)) {
    // "cockroachdb/cockroach": "cockroachdb" is the first path component, not a registry.
    if (!new RegExp(`^${PATH_COMPONENT}$`).test(domain)) return undefined;
    path = `${domain}/${path}`;
    domain = undefined;
  }
  // The grammar's limit on the name: domain and path together.
  if ((domain ? domain.length + 1 : 0) + path.length > 255) return undefined;
  return { domain, path, tag: groups.tag, digest: groups.digest };
}

const IMAGE_FIX =
  'Use an image reference such as "cockroachdb/cockroach:v26.2.7" or "registry.example.com:5000/mirror/cockroach@sha256:<64 hex digits>" (lower-case repository path, then ":tag" and/or "@digest")';

export const IMAGE_FORMAT: TextFormat = {
  pattern: IMAGE_REFERENCE,
  maxLength: 512,
  fix: `${IMAGE_FIX}.`,
  extra: (image) =>
    parseImageReference(image)
      ? undefined
      : `${IMAGE_FIX}; a first part without '.' or ':<port>' is part of the lower-case path, not a registry, and the name has at most 255 characters.`,
};

// ---- AWS -----------------------------------------------------------------------------------

/**
 * A named profile of the AWS CLI/SDK config files. The files admit almost any text in a
 * section name; real profiles (including the ones `aws configure sso` writes) use these.
 */
export const AWS_PROFILE_FORMAT: TextFormat = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9_.@+=,-]*$/,
  maxLength: 128,
  fix: "Use the name of a profile in ~/.aws/config: letters, digits and _ . @ + = , -, starting with a letter or digit.",
};

/** S3 bucket names (general purpose buckets), per the S3 naming rules. */
export const S3_BUCKET_FORMAT: TextFormat = {
  pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  maxLength: 63,
  fix: "Use a bucket name of 3-63 lower-case letters, digits, '-' and '.'.",
  extra: (bucket) => {
    if (/\.\.|\.-|-\./.test(bucket)) return "A bucket name has no '..', '.-' or '-.'.";
    if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return "A bucket name cannot look like an IP address.";
    if (/^(xn--|sthree-|amzn-s3-demo-)|(-s3alias|--ol-s3|--x-s3|\.mrap)$/.test(bucket)) return "S3 reserves that prefix or suffix; choose another bucket name.";
    return undefined;
  },
};

/** DynamoDB table names. */
export const DYNAMODB_TABLE_FORMAT: TextFormat = {
  pattern: /^[A-Za-z0-9_.-]{3,255}$/,
  maxLength: 255,
  fix: "Use a DynamoDB table name of 3-255 letters, digits, '_', '-' and '.'.",
};

/** A KMS key as the S3 backend takes it: key ID, multi-Region key ID, key ARN, alias name or alias ARN. */
export const KMS_KEY_FORMAT: TextFormat = {
  pattern:
    /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]{1,250}|arn:aws(?:-[a-z]+)*:kms:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:(?:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})|alias\/[A-Za-z0-9/_-]{1,250}))$/,
  maxLength: 2048,
  fix: 'Use a KMS key ID ("1234abcd-12ab-34cd-56ef-1234567890ab"), a key ARN ("arn:aws:kms:us-east-1:123456789012:key/<id>"), an alias ("alias/terraform-state") or an alias ARN.',
  extra: (key) => (/^(?:alias\/|arn:.*:alias\/)aws\//.test(key) ? "Aliases starting with alias/aws/ are AWS managed keys; name a customer managed key or leave the field out." : undefined),
};

// ---- object storage keys -------------------------------------------------------------------

/**
 * A key prefix for state objects (S3 keys, GCS object names, Azure blob names): '/'-separated
 * segments of the characters all three call safe, no empty, "." or ".." segment.
 */
export const OBJECT_PREFIX_FORMAT: TextFormat = {
  pattern: /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/,
  maxLength: 512,
  fix: "Use a prefix such as \"crdb/prod\": segments of letters, digits, '_', '-' and '.', separated by single '/', without leading or trailing '/'.",
  extra: (prefix) => (prefix.split("/").some((segment) => segment === "." || segment === "..") ? "Leave out '.' and '..' segments." : undefined),
};

// ---- Google Cloud --------------------------------------------------------------------------

/** GCS bucket names without dots (a dotted name must be a verified domain, which no check here can confirm). */
export const GCS_BUCKET_FORMAT: TextFormat = {
  pattern: /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/,
  maxLength: 63,
  fix: "Use a bucket name of 3-63 lower-case letters, digits, '-', '_' and '.'.",
  extra: (bucket) => {
    if (/^goog|google|g00gle/.test(bucket)) return 'GCS refuses names starting with "goog" or containing "google"; choose another bucket name.';
    if (/\.\./.test(bucket)) return "A bucket name has no '..'.";
    return undefined;
  },
};

// ---- Azure ---------------------------------------------------------------------------------

/** Resource group names (ASCII subset: Azure also admits Unicode letters, which are look-alike prone). */
export const AZURE_RESOURCE_GROUP_FORMAT: TextFormat = {
  pattern: /^[A-Za-z0-9_().-]*[A-Za-z0-9_()-]$/,
  maxLength: 90,
  fix: "Use a resource group name of 1-90 letters, digits, '_', '-', '.', '(' and ')', not ending with '.'.",
};

export const AZURE_STORAGE_ACCOUNT_FORMAT: TextFormat = {
  pattern: /^[a-z0-9]{3,24}$/,
  maxLength: 24,
  fix: "Use a storage account name of 3-24 lower-case letters and digits.",
};

export const AZURE_CONTAINER_FORMAT: TextFormat = {
  pattern: /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
  maxLength: 63,
  fix: "Use a container name of 3-63 lower-case letters, digits and single '-'.",
};

// ---- HCP Terraform -------------------------------------------------------------------------

/** HCP Terraform / Terraform Enterprise organization names. */
export const HCP_ORGANIZATION_FORMAT: TextFormat = {
  pattern: /^[A-Za-z0-9_-]+$/,
  maxLength: 90,
  fix: "Use the organization's name: letters, digits, '-' and '_'.",
};

/** Workspace names: letters, digits, '-' and '_', at most 90 (the prefix leaves room for "-<stack>"). */
export const HCP_WORKSPACE_PREFIX_FORMAT: TextFormat = {
  pattern: /^[A-Za-z0-9_-]{1,60}$/,
  maxLength: 60,
  fix: "Use 1-60 letters, digits, '-' and '_' (workspace names allow no others).",
};
export const MAX_WORKSPACE_NAME_LENGTH = 90;

/** HCP Terraform project names. */
export const HCP_PROJECT_FORMAT: TextFormat = {
  pattern: /^[A-Za-z0-9_-][A-Za-z0-9 _-]{1,38}[A-Za-z0-9_-]$/,
  maxLength: 40,
  fix: "Use a project name of 3-40 letters, digits, spaces, '-' and '_', not starting or ending with a space.",
};

/** A host name, optionally with a port (a Terraform Enterprise host). */
export const HOSTNAME_FORMAT: TextFormat = {
  pattern: /^(?=.{1,253}(?::|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::\d{1,5})?$/,
  maxLength: 259,
  fix: 'Use a host name such as "tfe.example.com" (optionally ":port"), without "https://" or a path.',
};

// ---- Kubernetes clients --------------------------------------------------------------------

/**
 * A kubeconfig context name. kubeconfig files admit any string; these characters cover the
 * names kubeadm, EKS (ARNs), GKE (gke_<project>_<location>_<name>), AKS, kind and k3d write.
 */
export const KUBECONFIG_CONTEXT_FORMAT: TextFormat = {
  pattern: /^[A-Za-z0-9_.:@/+=,~-]+$/,
  maxLength: 253,
  fix: "Use the context's name as `kubectl config get-contexts` lists it: letters, digits and _ . : @ / + = , ~ -.",
};

/** A directory that holds Terraform state: a path in which Terraform finds no template syntax (see applyBackend). */
export const STATE_DIRECTORY_FORMAT: TextFormat = {
  pattern: /^[^\s](?:.*[^\s])?$/,
  maxLength: 1024,
  fix: "Use a path without leading or trailing spaces.",
  extra: (path) =>
    /[$%]\{/.test(path)
      ? 'Terraform reads "${" and "%{" in backend settings as templates in some places and not in others; use a directory whose path has neither.'
      : homeDirectoryFix(path),
};

function homeDirectoryFix(path: string): string | undefined {
  return /^~[^/]/.test(path)
    ? 'Only "~" and "~/..." are expanded (to your home directory); write the other user\'s home directory as an absolute path.'
    : undefined;
}

/**
 * A file or directory path on the machine that runs Terraform. Any printable text passes (it
 * is escaped where used); `~user/` is refused because neither the kubernetes provider nor
 * Terraform expand it (only `~` and `~/...` are).
 */
export const FILE_PATH_FORMAT: TextFormat = {
  pattern: /^[^\s](?:.*[^\s])?$/,
  maxLength: 1024,
  fix: "Use a path without leading or trailing spaces.",
  extra: homeDirectoryFix,
};
