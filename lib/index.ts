export * from "./core/validation";
export * from "./core/naming";
export * from "./core/dependencies";
export * from "./database";
export * from "./skupper";
export * from "./sites";
export * from "./backup";
export * from "./monitoring";
