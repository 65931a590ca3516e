import { type Field, type FieldPathList, type FieldProps, getUiOptions } from "@rjsf/utils";
import { type NestedMode, nestedModeOf } from "./block-document.js";

const MODES: readonly [NestedMode, string][] = [
  ["unset", "Not set"],
  ["inline", "Inline"],
  ["reference", "Saved document"],
];

/** What the form's `formContext` gives this field. */
export interface NestedBlockContext {
  /** Replaces the value at a path in the document, with the form's schema following in the same render. */
  replaceValue: (path: FieldPathList, value: unknown) => void;
}

/**
 * A field that holds another block: left out, filled in inline, or `{ "$ref": "<slug>/<name>" }` naming a
 * saved document. The mode is read from the value; the form's schema follows it (see formSchemaFor).
 */
export function NestedBlockField(props: FieldProps) {
  const { formData, fieldPathId, registry, uiSchema, schema, required, disabled, readonly } = props;
  // rjsf registers ObjectField in every registry; the index type just cannot say so.
  const ObjectField = registry.fields.ObjectField as Field;
  const slug = String(getUiOptions(uiSchema).blockTypeSlug);
  const mode = nestedModeOf(formData);

  // Not through `onChange`: rjsf would merge the defaults of the mode being left (the inline block's `type`
  // and `reauth`) into the new value before the schema of the new mode is in place.
  const { replaceValue } = registry.formContext as NestedBlockContext;
  const choose = (next: NestedMode) => {
    const value =
      next === "inline" ? { type: slug } : next === "reference" ? { $ref: `${slug}/` } : undefined;
    replaceValue(fieldPathId.path, value);
  };

  return (
    <fieldset className="nested-block" id={fieldPathId.$id}>
      <legend>
        {schema.title}
        {required ? <span className="required">*</span> : null}
      </legend>
      {schema.description ? <p className="field-description">{schema.description}</p> : null}
      <div className="nested-mode" role="radiogroup" aria-label={`${schema.title}: how to give it`}>
        {MODES.map(([value, label]) => (
          <label key={value}>
            <input
              type="radio"
              name={`${fieldPathId.$id}__mode`}
              checked={mode === value}
              disabled={disabled || readonly}
              onChange={() => choose(value)}
            />
            {label}
          </label>
        ))}
      </div>
      {mode === "unset" ? null : (
        <ObjectField
          {...props}
          // The legend above already shows the title and description; a reference has no block fields to order.
          uiSchema={mode === "inline" ? { ...uiSchema, "ui:label": false } : { "ui:label": false }}
        />
      )}
    </fieldset>
  );
}
