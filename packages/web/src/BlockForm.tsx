import { NESTED_BLOCK_FIELD } from "@infrablocks/core/browser";
import Form from "@rjsf/core";
import type { ErrorSchema, RJSFSchema, UiSchema } from "@rjsf/utils";
import { type BlockDocument, inPlainWords } from "./block-document.js";
import { type NestedBlockContext, NestedBlockField } from "./NestedBlockField.js";
import { SecretWidget } from "./SecretWidget.js";
import { validator } from "./validator.js";

const fields = { [NESTED_BLOCK_FIELD]: NestedBlockField };
const widgets = { PasswordWidget: SecretWidget };

const defaultsBehavior = {
  // Optional lists are left out rather than filled with empty items, which would be invalid (`command: [null]`).
  arrayMinItems: { populate: "requiredOnly" },
  // A constant is one choice among others (`gpus: "all"`), not a default; `type` has a `default` of its own.
  constAsDefaults: "never",
} as const;

export interface BlockFormProps {
  schema: RJSFSchema;
  uiSchema: UiSchema;
  document: BlockDocument;
  onChange: (document: BlockDocument) => void;
  context: NestedBlockContext;
  /** Problems the schema cannot express (a secret holding the mask), shown on their fields. */
  extraErrors: ErrorSchema;
}

/** rjsf's form, set up for block documents: live validation, the nested block field, secret inputs. */
export function BlockForm({ schema, uiSchema, document, onChange, context, extraErrors }: BlockFormProps) {
  return (
    <Form
      schema={schema}
      uiSchema={uiSchema}
      formData={document}
      validator={validator}
      fields={fields}
      widgets={widgets}
      formContext={context}
      extraErrors={extraErrors}
      transformErrors={inPlainWords}
      liveValidate="onChange"
      showErrorList={false}
      noHtml5Validate
      experimental_defaultFormStateBehavior={defaultsBehavior}
      onChange={(event) => onChange(event.formData as BlockDocument)}
    />
  );
}
