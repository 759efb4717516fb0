import { Construct } from "constructs";
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { checkSqlUserName } from "./provisioning";

export interface SqlUserPasswordProps {
  readonly provider: RandomProvider;
  readonly user: string;
  /** @default 32 */
  readonly length?: number;
}

/**
 * A generated password for a SQL user. Letters and digits only, so it survives every quoting
 * layer (SQL, connection strings, shells) unchanged; 32 of them carry ~190 bits. Terraform keeps
 * it in the state (encrypt the backend) and it never changes unless the resource is replaced.
 */
export class SqlUserPassword extends Construct {
  readonly user: string;
  /** Sensitive: only for Secrets and sensitive outputs. */
  readonly value: string;

  constructor(scope: Construct, id: string, props: SqlUserPasswordProps) {
    super(scope, id);
    this.user = checkSqlUserName("user", props.user);
    const password = new Password(this, "password", { provider: props.provider, length: props.length ?? 32, special: false, minNumeric: 1 });
    this.value = password.result;
  }
}
