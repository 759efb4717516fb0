export * from "./core/validation";
export * from "./core/naming";
