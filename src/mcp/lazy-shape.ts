import type * as z from "zod";

/**
 * An object schema's shape that is built on first use. zod reads an
 * object's shape only when it needs it (a host's tools/list, a call's check),
 * so a server holding only lazy shapes answers `initialize` without building
 * a single argument or output schema; the proxy hands the shape over then.
 */
export function lazyShape<S extends z.ZodRawShape>(build: () => S): S {
  let shape: S | undefined;
  const get = (): S => (shape ??= build());
  return new Proxy({} as S, {
    get: (_t, key) => get()[key as keyof S],
    has: (_t, key) => key in get(),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_t, key) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), key);
      if (d) d.configurable = true;
      return d;
    },
  });
}

/** A value made by `build` on the first call and shared by every later one. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = build();
      made = true;
    }
    return value as T;
  };
}
