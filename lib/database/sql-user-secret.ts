import { Construct } from "constructs";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { checkNamespace } from "../core/validation";
import { labels } from "./common";
import { checkSqlUserName } from "./provisioning";
import { SQL_USER_SECRET_KEYS, sqlUserSecretName } from "./sql-users";

export interface SqlUserSecretProps {
  readonly provider: KubernetesProvider;
  readonly namespace: string;
  readonly user: string;
  /** A sensitive value, e.g. SqlUserPassword.value from another stack. */
  readonly password: string;
}

/** A SQL user's credentials as a Secret (`username`, `password`), for the init Job and for applications. */
export class SqlUserSecret extends Construct {
  readonly secret: SecretV1;
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: SqlUserSecretProps) {
    super(scope, id);
    const user = checkSqlUserName("user", props.user);
    this.secretName = sqlUserSecretName(user);
    this.secret = new SecretV1(this, "secret", {
      provider: props.provider,
      metadata: { name: this.secretName, namespace: checkNamespace("namespace", props.namespace), labels: labels("cockroachdb", "sql-user") },
      data: { [SQL_USER_SECRET_KEYS.username]: user, [SQL_USER_SECRET_KEYS.password]: props.password },
    });
  }
}
