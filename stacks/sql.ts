/**
 * The SQL users and databases of the topology, as the init stage provisions them: the admin
 * user for people, the applications' users, and databases (multi-region ones over the sites'
 * region tiers). Passwords are generated in the pki stack unless a user names its own Secret.
 */
import { ConfigError } from "../lib/core/validation";
import type { SqlDatabaseSpec } from "../lib/database/provisioning";
import type { Topology } from "./topology/types";

export interface SqlUserPlan {
  readonly name: string;
  readonly admin: boolean;
  readonly databases: readonly string[];
  /** A Secret the user created (key `password`); undefined: generated. */
  readonly passwordSecret?: string;
}

/** The admin user first, then the topology's users. */
export function sqlUsers(topology: Topology): SqlUserPlan[] {
  return [
    { name: topology.cockroach.adminUser, admin: true, databases: [] },
    ...topology.cockroach.users.map((u) => ({ name: u.name, admin: u.admin, databases: u.databases, passwordSecret: u.passwordSecret })),
  ];
}

/** Regions of the sites in topology order, each once: CockroachDB's database regions are these tiers. */
export function siteRegions(topology: Topology): string[] {
  return [...new Set(topology.sites.map((site) => site.region))];
}

export function sqlDatabases(topology: Topology): SqlDatabaseSpec[] {
  const regions = siteRegions(topology);
  return topology.cockroach.databases.map((db) => {
    if (!db.multiRegion) return { name: db.name };
    const primary = db.primaryRegion ?? regions[0];
    return { name: db.name, regions: [primary, ...regions.filter((r) => r !== primary)], survivalGoal: topology.survivalGoal };
  });
}

/** Cross-field rules of `cockroach.databases` and `cockroach.users`, each at its file path. */
export function sqlProblems(topology: Topology): ConfigError[] {
  const problems: ConfigError[] = [];
  const { databases, users, adminUser } = topology.cockroach;
  const regions = siteRegions(topology);
  const declared = new Set<string>(["defaultdb"]);
  databases.forEach((db, i) => {
    if (declared.has(db.name)) problems.push(new ConfigError(`cockroach.databases[${i}].name`, db.name, "Each database once (defaultdb exists already)."));
    declared.add(db.name);
    if (db.primaryRegion !== undefined && !db.multiRegion) {
      problems.push(new ConfigError(`cockroach.databases[${i}].primaryRegion`, db.primaryRegion, "Only a multi-region database has a primary region; set multiRegion: true or drop it."));
    }
    if (db.primaryRegion !== undefined && !regions.includes(db.primaryRegion)) {
      problems.push(new ConfigError(`cockroach.databases[${i}].primaryRegion`, db.primaryRegion, `Use one of the sites' regions: ${regions.join(", ")}.`));
    }
    if (db.multiRegion && topology.survivalGoal === "region" && regions.length < 3) {
      problems.push(
        new ConfigError(`cockroach.databases[${i}].multiRegion`, true, `SURVIVE REGION FAILURE needs at least 3 regions and the sites span ${regions.length}; add sites in other regions or use survivalGoal "zone".`),
      );
    }
  });
  const names = new Set<string>([adminUser]);
  users.forEach((user, i) => {
    if (names.has(user.name)) problems.push(new ConfigError(`cockroach.users[${i}].name`, user.name, "Each user once, and not the adminUser."));
    names.add(user.name);
    user.databases.forEach((db, j) => {
      if (!declared.has(db)) problems.push(new ConfigError(`cockroach.users[${i}].databases[${j}]`, db, "Declare the database in cockroach.databases (or use defaultdb)."));
    });
  });
  return problems;
}
