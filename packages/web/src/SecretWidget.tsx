import { ariaDescribedByIds, type WidgetProps } from "@rjsf/utils";
import { useEffect, useRef } from "react";

/**
 * rjsf's password widget, minus one leak: React mirrors a controlled input's value into its `value`
 * attribute, which would put the secret into the page's HTML (a saved page, `outerHTML`, an extension
 * reading the DOM). This input is uncontrolled and receives its value through the DOM property alone.
 */
export function SecretWidget({
  id,
  htmlName,
  value,
  required,
  disabled,
  readonly,
  autofocus,
  rawErrors,
  options,
  onChange,
  onBlur,
  onFocus,
}: WidgetProps) {
  const input = useRef<HTMLInputElement>(null);
  const text = typeof value === "string" ? value : "";
  useEffect(() => {
    if (input.current && input.current.value !== text) input.current.value = text;
  }, [text]);
  return (
    <input
      ref={input}
      id={id}
      name={htmlName || id}
      type="password"
      className="form-control"
      autoComplete="new-password"
      required={required}
      disabled={disabled}
      readOnly={readonly}
      // biome-ignore lint/a11y/noAutofocus: only when the uiSchema asks for it, as rjsf's own widgets do
      autoFocus={autofocus}
      aria-invalid={(rawErrors?.length ?? 0) > 0}
      aria-describedby={ariaDescribedByIds(id)}
      onChange={(event) => onChange(event.target.value === "" ? options.emptyValue : event.target.value)}
      onBlur={(event) => onBlur(id, event.target.value)}
      onFocus={(event) => onFocus(id, event.target.value)}
    />
  );
}
