import { type BlockJsonSchema, MASK, toRjsfUiSchema } from "@infrablocks/core/browser";
import type { ErrorSchema, FieldPathList, RJSFSchema, UiSchema } from "@rjsf/utils";
import { useMemo, useState } from "react";
import {
  type BlockDocument,
  errorsAt,
  formSchemaFor,
  maskedPaths,
  nestedModes,
  secretPathsOf,
  withValueAt,
} from "./block-document.js";
import { BlockForm } from "./BlockForm.js";
import { DocumentOutput } from "./DocumentOutput.js";
import { validator } from "./validator.js";

const MASKED_SECRET = `${MASK} is the mask infrablocks prints in place of a secret, not a secret: type the real value (infrablocks show SLUG/NAME --reveal prints a saved one).`;

/** One block type: its form beside the document it produces. */
export function BlockEditor({ schema }: { schema: BlockJsonSchema }) {
  const [document, setDocument] = useState<BlockDocument>({ type: schema.block_type_slug });
  const uiSchema = useMemo(
    // The heading above names the type; the document panel takes the place of a submit button.
    () =>
      ({
        ...toRjsfUiSchema(schema),
        "ui:label": false,
        "ui:submitButtonOptions": { norender: true },
      }) as UiSchema,
    [schema],
  );
  // Memoized on the nested fields' modes alone: a new schema object on every keystroke would make rjsf
  // rebuild its schema utilities and re-derive the whole form.
  const modesKey = JSON.stringify(nestedModes(schema, document));
  const formSchema = useMemo(
    () => formSchemaFor(schema, JSON.parse(modesKey)) as unknown as RJSFSchema,
    [schema, modesKey],
  );
  const context = useMemo(
    () => ({
      replaceValue: (path: FieldPathList, value: unknown) =>
        setDocument((current) => withValueAt(current, path, value)),
    }),
    [],
  );
  const secretPaths = secretPathsOf(schema, document);
  // The mask stands for a value the page never had: a document holding it must not leave the page.
  const masked = maskedPaths(document, secretPaths);
  // Keyed by the paths, like the form's schema, so that rjsf gets a new error schema only when they change.
  const maskedKey = JSON.stringify(masked);
  const maskErrors = useMemo(
    () => errorsAt(JSON.parse(maskedKey), MASKED_SECRET) as ErrorSchema,
    [maskedKey],
  );
  // Counted here rather than taken from the form, which reports errors only once the user has typed.
  const errorCount = validator.validateFormData(document, formSchema).errors.length + masked.length;

  return (
    <main>
      <section className="form" aria-label={`${schema.title} form`}>
        <h2>{schema.title}</h2>
        <p className="type-description">{schema.description}</p>
        <BlockForm
          schema={formSchema}
          uiSchema={uiSchema}
          document={document}
          onChange={setDocument}
          context={context}
          extraErrors={maskErrors}
        />
      </section>
      <DocumentOutput
        document={document}
        secretPaths={secretPaths}
        maskedPaths={masked}
        errorCount={errorCount}
      />
    </main>
  );
}
