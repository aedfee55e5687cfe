/** Showing the API's refusals: the message on top, and each problem beside the field it names. */
import { Alert, type FormInstance } from 'antd';
import { ApiFailure } from './api/client';
import { errorText } from './labels';

/** `comments.0.text` → `['comments', 0, 'text']`: the form's name of the field the API names. */
export function fieldName(path: string): (string | number)[] {
  return path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Puts a refusal's field problems on the form's fields (when the form has them) and answers the
 * rest to show above the form. The form's input stays as it was.
 */
export function showRefusal(form: FormInstance | undefined, err: unknown): { message: string; unplaced: string[] } {
  const unplaced: string[] = [];
  if (err instanceof ApiFailure) {
    // The form's fields, those still empty too: every registered name, and every value set.
    const known = form
      ? new Set([...Object.keys(form.getFieldsValue() as object), ...Object.keys(form.getFieldsValue(true) as object)])
      : new Set<string>();
    const fields: { name: (string | number)[]; errors: string[] }[] = [];
    for (const problem of err.fieldProblems()) {
      const name = fieldName(problem.path);
      if (form && known.has(String(name[0]))) fields.push({ name, errors: [problem.message] });
      else unplaced.push(problem.message);
    }
    if (form && fields.length > 0) form.setFields(fields);
  }
  return { message: errorText(err), unplaced };
}

export function RefusalAlert({ refusal }: { refusal?: { message: string; unplaced: string[] } }) {
  if (!refusal) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="refusal"
      style={{ marginBottom: 12 }}
      message={refusal.message}
      description={
        refusal.unplaced.length > 0 ? (
          <ul style={{ margin: 0 }}>
            {refusal.unplaced.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : undefined
      }
    />
  );
}

/**
 * A "must be chosen" rule that does not mark the field `aria-required`: Ant Design puts that on
 * the radio group's and select's wrapper, where ARIA does not allow it.
 */
export const chosen = (message: string) => ({
  validator: (_: unknown, value: unknown) => (value ? Promise.resolve() : Promise.reject(new Error(message))),
});
