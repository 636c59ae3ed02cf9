/** A labelled input of seconds in half-second steps; `onCommit` hears it left or Enter pressed. */
export function SecondsField({
  label,
  value,
  onChange,
  onCommit,
}: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly onCommit: () => void;
}) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <input
        type="number"
        min={0}
        step="0.5"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onBlur={onCommit}
        onKeyDown={(e) => e.key === 'Enter' && onCommit()}
      />
    </label>
  );
}
