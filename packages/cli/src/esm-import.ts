/**
 * A real `import()`, for drivers built as ES modules: the CLI's build is CommonJS, where the bundler turns
 * every `import()` it sees into a `require`, which cannot load a module that awaits at its top level.
 * Its own file (a build entry, so its own chunk): a file holding a dynamic import is compiled by Node and
 * not from the compiled-code cache (compile-cache.ts), and the driver loader then stays in the cache.
 */
export const importModule = new Function("url", "return import(url)") as (url: string) => Promise<unknown>;
