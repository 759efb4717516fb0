/**
 * Every provider package is an optional peer dependency: a consumer installs only the clouds it
 * uses. Code that needs one loads it when first used, through these helpers, so that importing
 * the package root never fails for a provider that is not installed, and using a class whose
 * provider is missing says which package to install instead of MODULE_NOT_FOUND.
 */

/** The optional peers and the ranges package.json declares for them (a test keeps them equal). */
export const OPTIONAL_PEERS = {
  "@cdktf/provider-aws": "^21.22.1",
  "@cdktf/provider-azurerm": "^14.23.1",
  "@cdktf/provider-google": "^16.12.1",
  "@cdktf/provider-helm": "^12.1.2",
  "@cdktf/provider-kubernetes": "^12.1.1",
  "@cdktf/provider-random": "^12.0.1",
  "@cdktf/provider-tls": "^11.0.1",
} as const;

export type OptionalPeer = keyof typeof OPTIONAL_PEERS;

/** The error for `what` used without `peer` installed. */
export function missingPeerError(what: string, peer: OptionalPeer): Error {
  return new Error(`${what} needs the optional peer dependency ${peer}, which is not installed: npm install ${peer}@"${OPTIONAL_PEERS[peer]}"`);
}

function isMissing(error: unknown, peer: OptionalPeer): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === "MODULE_NOT_FOUND" && typeof message === "string" && message.includes(`'${peer}/`);
}

/** Runs `load` (a `require` of a module that needs `peer`), turning a missing peer into missingPeerError. */
export function requireOptionalPeer<T>(what: string, peer: OptionalPeer, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (isMissing(error, peer)) throw missingPeerError(what, peer);
    throw error;
  }
}

/**
 * A stand-in for the class or function `name` that loads it on first use: `new`, a call, a
 * static member, `extends` or `instanceof` all reach the real export, loaded once. ES module
 * consumers read every named export of a CommonJS module when they import it, so the stand-in
 * itself must not load anything.
 */
export function lazyExport<T extends object>(name: string, peer: OptionalPeer, load: () => Record<string, unknown>): T {
  let loaded: T | undefined;
  const real = (): T => {
    loaded ??= requireOptionalPeer(name, peer, load)[name] as T;
    return loaded;
  };
  // A plain function is both callable and constructible, as the proxy must be for either use.
  const target = function () {} as unknown as T;
  const proxy: T = new Proxy(target, {
    get: (_, property) => Reflect.get(real(), property),
    has: (_, property) => Reflect.has(real(), property),
    apply: (_, thisArg, args) => Reflect.apply(real() as (...a: unknown[]) => unknown, thisArg, args),
    construct: (_, args, newTarget) => {
      const cls = real() as new (...a: unknown[]) => object;
      return Reflect.construct(cls, args, newTarget === proxy ? cls : newTarget);
    },
  });
  return proxy;
}
