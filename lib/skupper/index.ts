export {
  SKUPPER_API_VERSION,
  SKUPPER_EDGE_PORT,
  SKUPPER_INTER_ROUTER_PORT,
  SKUPPER_LINK_ACCESS_TYPES,
  SKUPPER_ROUTER_VERSION,
  SKUPPER_SITE_CA_SECRET,
  SKUPPER_VERSION,
  FULL_MESH_MAX_SITES,
  MAX_SKUPPER_SITE_NAME,
  acceptsLinks,
  checkSkupperClusterHost,
  checkSkupperLinkAccess,
  checkSkupperSiteName,
  planLinks,
  skupperRouterGroups,
  skupperSiteCaCommonName,
  validateMesh,
} from "./mesh";
export type { PlanLinksOptions, SkupperLinkAccessType, SkupperLinkPlan, SkupperMeshMember, SkupperMeshShape, SkupperMeshSite } from "./mesh";
export * from "./site-ca";
export * from "./controller";
export * from "./router-sizing";
export * from "./site-ca-secret";
export * from "./router-service-template";
export * from "./site";
export * from "./pod-exposure";
export * from "./link";
