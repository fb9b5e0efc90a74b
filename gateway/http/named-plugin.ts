/**
 * fastify gives every plugin it registers a name (error messages, `pluginName`, `hasPlugin`).
 * Without a display name on the function it looks for it among the exports of every CommonJS
 * module loaded (require.cache: some 760 entries under tsx), twice per plugin, before falling
 * back on the function's name. The services are ES modules and never found there: that search
 * always ended on the function's name, at ~0.5 ms a plugin, 24 plugins per start (profiled).
 * The display name gives fastify the same name at once.
 */
const DISPLAY_NAME = Symbol.for("fastify.display-name");

/** `plugin`, named for fastify (by default with the function's own name). */
export function named<P extends (...args: never[]) => unknown>(plugin: P, name: string = plugin.name): P {
  const p = plugin as P & { [DISPLAY_NAME]?: string };
  p[DISPLAY_NAME] ??= name;
  return plugin;
}
