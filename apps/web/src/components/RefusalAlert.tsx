import { useRef } from 'react';
import type { Refusal } from '../lib/refusalReason';

/** Props of {@link RefusalAlert}. */
export interface RefusalAlertProps {
  readonly refusals: readonly Refusal[];
  readonly onDismiss: (id: string) => void;
  /** Takes the focus once the last refusal is dismissed, e.g. the part of the page it was about. */
  readonly afterLast: () => void;
}

/**
 * An alert listing refusals, each with a Dismiss button. Dismiss moves the focus to the next
 * refusal's button, or to `afterLast` with none left, so a keyboard user is not sent back to the
 * top of the page when the button disappears.
 */
export function RefusalAlert({ refusals, onDismiss, afterLast }: RefusalAlertProps) {
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  if (refusals.length === 0) return null;
  const dismiss = (id: string, index: number) => {
    const next = refusals[index + 1] ?? refusals[index - 1];
    const button = next && buttons.current.get(next.id);
    if (button) button.focus();
    else afterLast();
    onDismiss(id);
  };
  return (
    <div className="callout" role="alert" aria-label="Changes not applied">
      <ul className="refusals">
        {refusals.map((r, index) => (
          <li key={r.id}>
            <span>{r.text}</span>
            <button
              ref={(button) => {
                if (button) buttons.current.set(r.id, button);
                else buttons.current.delete(r.id);
              }}
              type="button"
              className="button button--small button--ghost"
              onClick={() => dismiss(r.id, index)}
              aria-label={`Dismiss: ${r.text}`}
            >
              Dismiss
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
