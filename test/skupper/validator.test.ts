import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { crdDescribe, findSkupperCrdDir, skupperCrds } from "./crd-validator";

const meta = { name: "crdb-aws-0", namespace: "cockroachdb" };
const connector = {
  apiVersion: "skupper.io/v2alpha1",
  kind: "Connector",
  metadata: meta,
  spec: { routingKey: "crdb-aws-0", selector: "statefulset.kubernetes.io/pod-name=crdb-aws-0", port: 26257, includeNotReadyPods: true },
};
const link = {
  apiVersion: "skupper.io/v2alpha1",
  kind: "Link",
  metadata: { name: "link-to-gcp", namespace: "cockroachdb" },
  spec: {
    tlsCredentials: "link-to-gcp",
    endpoints: [{ name: "inter-router", host: "203.0.113.7", port: "55671", group: "skupper-router" }],
  },
};

/** A deep copy with one change, so each mutation starts from a valid object. */
function mutate<T>(object: T, change: (copy: T) => void): T {
  const copy = structuredClone(object);
  change(copy);
  return copy;
}

crdDescribe("the CRD validator is live", () => {
  test("loads the Skupper 2.2.1 CRDs", () => {
    expect(skupperCrds().kinds).toEqual(expect.arrayContaining(["Site", "Connector", "Listener", "Link", "RouterAccess"]));
  });

  test("accepts well-formed objects", () => {
    expect(skupperCrds().validate(connector)).toEqual({ errors: [], skipped: [] });
    expect(skupperCrds().validate(link)).toEqual({ errors: [], skipped: [] });
  });

  test.each([
    ["an endpoint port that is a number", mutate(link, (l) => Object.assign(l.spec.endpoints[0], { port: 55671 })), "/spec/endpoints/0/port must be string"],
    ["a Link without endpoints", mutate(link, (l) => delete (l.spec as Partial<typeof l.spec>).endpoints), "must have required property 'endpoints'"],
    ["a misspelt field", mutate(connector, (c) => Object.assign(c.spec, { includeNotReadyPod: true })), "must NOT have additional properties"],
    ["a Connector with neither selector nor host", mutate(connector, (c) => delete (c.spec as Partial<typeof c.spec>).selector), "must match exactly one schema in oneOf"],
    ["a port that is a string", mutate(connector, (c) => Object.assign(c.spec, { port: "26257" })), "/spec/port must be integer"],
    ["a wrong apiVersion", mutate(connector, (c) => Object.assign(c, { apiVersion: "skupper.io/v1alpha1" })), "/apiVersion must be equal to constant"],
    ["a missing namespace", mutate(connector, (c) => Object.assign(c, { metadata: { name: "x" } })), "must have required property 'namespace'"],
    ["an invalid object name", mutate(connector, (c) => Object.assign(c.metadata, { name: "Crdb_0" })), "/metadata/name must match pattern"],
  ])("rejects %s", (_what, object, message) => {
    const { errors } = skupperCrds().validate(object);
    expect(errors.join("\n")).toContain(message);
  });

  test("rejects a kind it has no CRD for", () => {
    expect(skupperCrds().validate({ ...connector, kind: "Connecter" }).errors).toEqual(['no Skupper CRD for kind "Connecter"']);
  });

  test("skips only whole Terraform expressions, and reports where", () => {
    const withExpression = mutate(link, (l) => Object.assign(l.spec, { endpoints: "${[for e in local.x : e]}" }));
    expect(skupperCrds().validate(withExpression)).toEqual({ errors: [], skipped: ["spec.endpoints"] });
    // The placeholder has the schema's type, so a required field that is an expression still counts.
    const intExpression = mutate(connector, (c) => Object.assign(c.spec, { port: "${var.port}" }));
    expect(skupperCrds().validate(intExpression)).toEqual({ errors: [], skipped: ["spec.port"] });
    // A string that merely contains an expression is a string and is checked as one.
    const embedded = mutate(connector, (c) => Object.assign(c.spec, { port: "x-${var.port}" }));
    expect(skupperCrds().validate(embedded).errors.join()).toContain("/spec/port must be integer");
  });
});

describe("where the CRDs are looked for", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crd-dir-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const absent = path.join(tmp, "absent");

  test("SKUPPER_CRD_DIR first, then the sibling folder", () => {
    const sibling = path.join(tmp, "sibling");
    writeCrds(sibling);
    const explicit = path.join(tmp, "explicit");
    writeCrds(explicit);
    expect(findSkupperCrdDir({ SKUPPER_CRD_DIR: explicit }, sibling)).toEqual({ dir: explicit });
    expect(findSkupperCrdDir({}, sibling)).toEqual({ dir: sibling });
  });

  test("neither present: a reason to skip that names both places", () => {
    const found = findSkupperCrdDir({}, absent);
    expect(found).toEqual({ reason: expect.stringContaining("SKUPPER_CRD_DIR is not set") });
    expect((found as { reason: string }).reason).toContain(absent);
  });

  test("a SKUPPER_CRD_DIR that is set but wrong is an error, not a skip", () => {
    expect(() => findSkupperCrdDir({ SKUPPER_CRD_DIR: absent }, absent)).toThrow(`SKUPPER_CRD_DIR=${absent} does not hold the Skupper 2.2.1 CRDs (no *_crd.yaml for Site, Connector, Listener, Link)`);
    const partial = path.join(tmp, "partial");
    writeCrds(partial, ["Site", "Link"]);
    expect(() => findSkupperCrdDir({ SKUPPER_CRD_DIR: partial }, absent)).toThrow("(no *_crd.yaml for Connector, Listener)");
  });
});

function writeCrds(dir: string, kinds = ["Site", "Connector", "Listener", "Link"]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const kind of kinds) fs.writeFileSync(path.join(dir, `skupper_${kind.toLowerCase()}_crd.yaml`), `spec:\n  names:\n    kind: ${kind}\n`);
}
