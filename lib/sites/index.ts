export * from "./kubernetes-site";
export * from "./site-inputs";
export * from "./site-providers";
export * from "./control-plane";
export * from "./eks-site";
export * from "./gke-site";
export * from "./aks-site";
export * from "./existing-cluster-site";
