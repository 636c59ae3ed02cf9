import { useId, useState, type FormEvent } from 'react';
import { FormError } from './FormError';
import { validateCard, type CardDraft } from '../lib/validateCard';

/** Props of {@link CardForm}. */
export interface CardFormProps {
  /** Starting values when editing; empty when creating. */
  readonly initial?: CardDraft;
  readonly submitLabel: string;
  readonly onSubmit: (draft: CardDraft) => void;
  readonly onCancel: () => void;
}

/** Create or edit a board card, with validation; Escape cancels. */
export function CardForm({ initial, submitLabel, onSubmit, onCancel }: CardFormProps) {
  const [title, setTitle] = useState(initial?.title ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [assignee, setAssignee] = useState(initial?.assignee ?? '');
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const draft: CardDraft = {
      title: title.trim(),
      description,
      assignee: assignee.trim() || null,
    };
    const problem = validateCard(draft);
    setError(problem);
    if (!problem) onSubmit(draft);
  };

  return (
    <form
      className="card-form"
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.preventDefault();
        onCancel();
      }}
      aria-label={submitLabel}
      noValidate
    >
      <label className="field">
        <span className="field__label">Card title</span>
        <input
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          autoFocus
        />
      </label>
      <label className="field">
        <span className="field__label">Description</span>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} />
      </label>
      <label className="field">
        <span className="field__label">Assignee</span>
        <input
          value={assignee}
          onChange={(e) => setAssignee(e.target.value)}
          placeholder="Nobody"
        />
      </label>
      <FormError id={errorId} error={error} />
      <div className="form-actions">
        <button type="button" className="button button--ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button--primary">
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
