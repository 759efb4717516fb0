/** Names shared by the SQL user Secrets and the init Job that reads them. */

/** The SQL user for people (DB Console login). "admin" itself is CockroachDB's role, hence another name. */
export const DEFAULT_ADMIN_USER = "crdb_admin";

/**
 * The Secret holding a generated password, in every site's namespace: `cockroachdb-sql-<user>`
 * with '_' as '-' (user names have no '-', so distinct users keep distinct Secrets).
 */
export function sqlUserSecretName(user: string): string {
  return `cockroachdb-sql-${user.replace(/_/g, "-")}`;
}

/** Keys of a SQL user Secret: applications mount it as their credentials. */
export const SQL_USER_SECRET_KEYS = { username: "username", password: "password" } as const;
