import { useState } from "react";
import { type BlockDocument, maskSecrets, toJson, toYaml } from "./block-document.js";

const FORMATS = {
  yaml: { label: "YAML", render: toYaml, type: "application/yaml" },
  json: { label: "JSON", render: toJson, type: "application/json" },
} as const;
type Format = keyof typeof FORMATS;

export interface DocumentOutputProps {
  document: BlockDocument;
  secretPaths: readonly string[];
  /** Secrets holding the mask: Copy and Download are off until they hold real values. */
  maskedPaths: readonly string[];
  errorCount: number;
}

/** The block document as YAML or JSON: shown with its secrets masked, copied and downloaded whole. */
export function DocumentOutput({ document, secretPaths, maskedPaths, errorCount }: DocumentOutputProps) {
  const [format, setFormat] = useState<Format>("yaml");
  // The text last copied: "Copied" shows until the document or the format changes.
  const [copiedText, setCopiedText] = useState<string>();
  const { render, type } = FORMATS[format];
  const blocked = maskedPaths.length > 0;
  const text = render(document);

  const copy = async () => {
    await navigator.clipboard.writeText(text);
    setCopiedText(text);
  };
  const download = () => {
    // A data URL needs no revoking; the link is never attached, so the secret it holds is not in the page.
    const href = `data:${type};charset=utf-8,${encodeURIComponent(text)}`;
    Object.assign(window.document.createElement("a"), {
      href,
      download: `${document.type}.${format}`,
    }).click();
  };

  return (
    <section className="document" aria-label="Block document">
      <div className="document-toolbar">
        <div role="tablist" aria-label="Format">
          {(Object.keys(FORMATS) as Format[]).map((key) => (
            <button
              key={key}
              type="button"
              role="tab"
              aria-selected={format === key}
              onClick={() => setFormat(key)}
            >
              {FORMATS[key].label}
            </button>
          ))}
        </div>
        <button type="button" onClick={copy} disabled={blocked}>
          {copiedText === text ? "Copied" : "Copy"}
        </button>
        <button type="button" onClick={download} disabled={blocked}>
          Download
        </button>
      </div>
      <p className={errorCount === 0 ? "status valid" : "status invalid"} role="status">
        {errorCount === 0
          ? "Matches the schema"
          : `${errorCount} problem${errorCount === 1 ? "" : "s"} to fix`}
      </p>
      <pre>{render(maskSecrets(document, secretPaths))}</pre>
      {blocked ? (
        <p className="hint masked" role="alert">
          {maskedPaths.join(", ")} {maskedPaths.length === 1 ? "holds" : "hold"} the mask, not a secret: type
          the real value to copy or download the document.
        </p>
      ) : null}
      {secretPaths.length > 0 ? (
        <p className="hint">Secrets are masked here; Copy and Download give the full document.</p>
      ) : null}
    </section>
  );
}
