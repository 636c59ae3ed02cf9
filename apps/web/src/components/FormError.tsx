/** A form's validation or server error, announced to screen readers; nothing when `error` is null. */
export function FormError({ id, error }: { readonly id: string; readonly error: string | null }) {
  if (!error) return null;
  return (
    <p id={id} role="alert" className="form-error">
      {error}
    </p>
  );
}
