export { importRdtClient } from "./rdt-client.ts";
export { importRedrivaPython } from "./redriva-python.ts";
export type { ImportLine, ImportReport } from "./report.ts";
