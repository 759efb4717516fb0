export { applyBackend } from "./apply-backend";
