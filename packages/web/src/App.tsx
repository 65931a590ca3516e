import type { BlockJsonSchema } from "@infrablocks/core/browser";
import { useEffect, useState } from "react";
import { BlockEditor } from "./BlockEditor.js";

type Schemas = Record<string, BlockJsonSchema>;

/** Loads the schemas `infrablocks schema --out` writes (`index.json`) and lets the user pick a block type. */
export function App() {
  const [schemas, setSchemas] = useState<Schemas>();
  const [loadError, setLoadError] = useState<string>();
  const [slug, setSlug] = useState<string>();

  const choose = (next: string) => {
    setSlug(next);
    // The type in the address, so a link (or a reload) opens the same form.
    window.history.replaceState(null, "", `#${next}`);
  };

  useEffect(() => {
    fetch("index.json")
      .then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.json() as Promise<Schemas>;
      })
      .then((loaded) => {
        const slugs = Object.keys(loaded);
        const wanted = window.location.hash.slice(1);
        setSchemas(loaded);
        setSlug(slugs.includes(wanted) ? wanted : slugs[0]);
      })
      .catch((error: Error) => setLoadError(`Could not load index.json: ${error.message}`));
  }, []);

  if (loadError) return <p className="load-error">{loadError}</p>;
  if (!schemas) return <p>Loading block types…</p>;
  const schema = slug ? schemas[slug] : undefined;
  if (!slug || !schema) return <p>No block types are installed.</p>;
  return (
    <>
      <header>
        <h1>infrablocks</h1>
        <label>
          Block type{" "}
          <select value={slug} onChange={(event) => choose(event.target.value)}>
            {Object.entries(schemas).map(([key, { title }]) => (
              <option key={key} value={key}>
                {title} ({key})
              </option>
            ))}
          </select>
        </label>
      </header>
      <BlockEditor key={slug} schema={schema} />
    </>
  );
}
