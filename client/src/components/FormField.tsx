import { useState, type ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}

interface FormFieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  /** The control, given its id and ARIA wiring so the label, hint and error are announced with it. */
  children: (control: ControlProps) => ReactNode;
  /** Extra status shown under the control (e.g. a live check), announced politely. */
  status?: ReactNode;
  testId?: string;
}

/** A labelled form control with its hint and field error. */
export function FormField({ id, label, hint, error, required, children, status, testId }: FormFieldProps) {
  const describedBy = [hint ? `${id}-hint` : null, status ? `${id}-status` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field${error ? ' field--invalid' : ''}`} data-testid={testId}>
      <label htmlFor={id} className="field__label">
        {label}
        {required && (
          <span className="field__required" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </label>
      {children({ id, 'aria-describedby': describedBy || undefined, 'aria-invalid': error ? true : undefined })}
      {status && (
        <div id={`${id}-status`} className="field__status" aria-live="polite">
          {status}
        </div>
      )}
      {hint && (
        <div id={`${id}-hint`} className="field__hint">
          {hint}
        </div>
      )}
      {error && (
        <div id={`${id}-error`} className="field__error" role="alert" data-testid={`${id}-error`}>
          {error}
        </div>
      )}
    </div>
  );
}

interface TextFieldProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  /** Marks the field and its input as required. */
  required?: boolean;
  type?: 'email' | 'password';
  value: string;
  onChange(value: string): void;
  autoComplete?: string;
  placeholder?: string;
  testId?: string;
}

/** A FormField holding one text input. */
export function TextField({
  id,
  label,
  hint,
  error,
  required,
  type,
  value,
  onChange,
  autoComplete,
  placeholder,
  testId,
}: TextFieldProps) {
  const shown = useErrorUntilEdited(error, value);
  return (
    <FormField id={id} label={label} hint={hint} error={shown} required={required}>
      {(control) => (
        <input
          {...control}
          type={type}
          className="input"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={placeholder}
          autoComplete={autoComplete}
          required={required}
          data-testid={testId}
        />
      )}
    </FormField>
  );
}

/**
 * A field error stays until the user edits the field (issue 13 item 9): the error is shown only while
 * the value is the one it was reported for, so correcting the field clears it at once.
 */
export function useErrorUntilEdited(error: string | undefined, value: string): string | undefined {
  const [reported, setReported] = useState({ error, value });
  if (reported.error !== error) {
    setReported({ error, value });
    return error;
  }
  return error && value === reported.value ? error : undefined;
}
