import { useId, useState, type FormEvent } from 'react';
import { FormError } from './FormError';
import type { CreateWorkflowRequest } from '@liveline/protocol';
import { sessionAllows } from '../lib/session';
import { validateRun } from '../lib/validateRun';
import { useSessionStore } from '../stores/sessionStore';

/** Props of {@link StartRunForm}. */
export interface StartRunFormProps {
  /** Starts the run; a rejection's message is shown under the form. */
  readonly onStart: (request: CreateWorkflowRequest) => Promise<void>;
}

type Mode = CreateWorkflowRequest['mode'];
/** The Idea2Video / Script2Video start form with validation; says so when the token may not start runs. */
export function StartRunForm({ onStart }: StartRunFormProps) {
  const mayStart = useSessionStore((s) => sessionAllows(s.session, 'workflow', '*', 'start'));
  const [mode, setMode] = useState<Mode>('idea');
  const [input, setInput] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const problem = validateRun(mode, input, title);
    setError(problem);
    if (problem) return;
    setBusy(true);
    try {
      await onStart({
        mode,
        input: input.trim(),
        ...(title.trim() ? { title: title.trim() } : {}),
      });
      setInput('');
      setTitle('');
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  const inputLabel = mode === 'idea' ? 'Idea' : 'Script';
  return (
    <form
      className="panel start-form"
      onSubmit={(e) => void submit(e)}
      aria-label="Start a run"
      noValidate
    >
      <fieldset className="segmented">
        <legend className="visually-hidden">Mode</legend>
        {(['idea', 'script'] as const).map((m) => (
          <label key={m} className={`segmented__option${mode === m ? ' is-active' : ''}`}>
            <input
              type="radio"
              name="mode"
              value={m}
              checked={mode === m}
              onChange={() => setMode(m)}
            />
            {m === 'idea' ? 'Idea2Video' : 'Script2Video'}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span className="field__label">Title (optional)</span>
        <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Untitled" />
      </label>
      <label className="field">
        <span className="field__label">{inputLabel}</span>
        <textarea
          value={input}
          onChange={(e) => setInput(e.target.value)}
          rows={mode === 'idea' ? 3 : 8}
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          placeholder={
            mode === 'idea'
              ? 'A lighthouse keeper finds a message in a bottle from her future self…'
              : 'INT. LIGHTHOUSE - NIGHT\nMARA climbs the stairs, lantern in hand…'
          }
        />
      </label>
      <FormError id={errorId} error={error} />
      {/* Before anything is typed: the server would refuse the start with 403 (PROTOCOL.md A4). */}
      {!mayStart && (
        <p className="callout">
          This link cannot start runs: its token has no <code>workflow:*:start</code>. Ask whoever
          runs this server for an invite link that includes it.
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={busy || !mayStart}>
          {busy ? 'Starting…' : 'Start run'}
        </button>
      </div>
    </form>
  );
}
