/** preact + htm: components written as tagged templates, no JSX step. */
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import { store } from "./store.js";

export { html };

/** Re-render the component when the store changes (once per animation frame at most). */
export function useStore(): number {
  const [, setVersion] = useState(store.version);
  useEffect(() => store.subscribe(() => setVersion(store.version)), []);
  return store.version;
}
