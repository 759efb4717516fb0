/**
 * One state per stack, in the backend the topology names. Every stack gets its own key,
 * prefix or workspace so stacks can be applied (and locked) independently, and cdktf's
 * cross-stack references read the producing stack's state through the same settings.
 */
import * as path from "path";
import {
  AzurermBackend,
  CloudBackend,
  GcsBackend,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  type TerraformBackend,
  type TerraformStack,
} from "cdktf";
import { fail } from "../../lib/core/validation";
import type { BackendSettings } from "../topology/types";

/** Terraform Cloud workspace names: letters, digits, '-' and '_', at most 90 characters. */
const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;

/**
 * Terraform reads a backend block verbatim but evaluates the same settings as templates where
 * cdktf copies them into `terraform_remote_state` (cross-stack references), so no escape works
 * in both places (checked with terraform 1.11): a path with `${` or `%{` cannot be used at all.
 */
export function checkStatePath(file: string): string {
  if (/[$%]\{/.test(file)) {
    fail("backend.directory", file, "Terraform would read \"${\" or \"%{\" in a state path as a template; use a directory whose path has neither.");
  }
  return file;
}

/**
 * Configures `stack`'s backend. The PKI stack's state holds every private key, so S3 state is
 * always encrypted and the local backend is meant for trying things out only.
 */
export function applyBackend(stack: TerraformStack, stackName: string, backend: BackendSettings): TerraformBackend {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(stackName)) {
    fail("stackName", stackName, "Use letters, digits, '-' and '_' only: it becomes a state file, key or workspace name.");
  }
  switch (backend.type) {
    case "local":
      return new LocalBackend(stack, { path: checkStatePath(path.join(path.resolve(backend.directory), `terraform.${stackName}.tfstate`)) });
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        region: backend.region,
        key: `${backend.keyPrefix}/${stackName}.tfstate`,
        encrypt: true,
        dynamodbTable: backend.dynamodbTable,
        kmsKeyId: backend.kmsKeyId,
      });
      // cdktf 0.21's S3BackendConfig predates `use_lockfile` (Terraform >= 1.10), so set it raw.
      if (backend.useLockfile) s3.addOverride("use_lockfile", true);
      return s3;
    }
    case "gcs":
      // The GCS backend keeps `<prefix>/<workspace>.tfstate`: one prefix per stack keeps states apart.
      return new GcsBackend(stack, { bucket: backend.bucket, prefix: `${backend.prefix}/${stackName}` });
    case "azurerm":
      return new AzurermBackend(stack, {
        resourceGroupName: backend.resourceGroupName,
        storageAccountName: backend.storageAccountName,
        containerName: backend.containerName,
        key: `${backend.keyPrefix}/${stackName}.tfstate`,
      });
    case "cloud": {
      const workspace = `${backend.workspacePrefix}-${stackName}`;
      if (!WORKSPACE_NAME.test(workspace)) {
        fail("backend.workspacePrefix", backend.workspacePrefix, `The workspace name "${workspace}" exceeds 90 characters; shorten the prefix.`);
      }
      return new CloudBackend(stack, {
        organization: backend.organization,
        hostname: backend.hostname,
        workspaces: new NamedCloudWorkspace(workspace, backend.project),
      });
    }
  }
}
