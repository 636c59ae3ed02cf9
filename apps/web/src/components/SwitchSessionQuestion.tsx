import { useEffect, useRef } from 'react';
import { staySignedIn, switchSession } from '../lib/session';
import { useSessionStore } from '../stores/sessionStore';

/** Props of {@link SwitchSessionQuestion}. */
export interface SwitchSessionQuestionProps {
  /** Takes the focus once the user stays, e.g. the page's main content (a switch reloads the page). */
  readonly afterAnswer: () => void;
}

/**
 * Asks whether to switch to the subject of an invite link opened in this tab, in the page and not
 * in a blocking browser dialog: the page goes on as the signed-in subject meanwhile. The focus
 * moves to the question (to staying, which changes nothing); Escape in it stays too.
 */
export function SwitchSessionQuestion({ afterAnswer }: SwitchSessionQuestionProps) {
  const question = useSessionStore((s) => s.question);
  const stayRef = useRef<HTMLButtonElement>(null);
  useEffect(() => stayRef.current?.focus(), [question]);
  if (!question) return null;
  const stay = () => {
    staySignedIn();
    useSessionStore.setState({ question: null });
    afterAnswer();
  };
  return (
    <section
      className="callout switch-question"
      role="dialog"
      aria-labelledby="switch-question-title"
      aria-describedby="switch-question-text"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        stay();
      }}
    >
      <h2 id="switch-question-title">Switch to {question.offered}?</h2>
      <p id="switch-question-text">
        This link signs you in as {question.offered}; you are signed in as {question.current}.
      </p>
      <div className="panel__actions">
        <button ref={stayRef} type="button" className="button" onClick={stay}>
          Stay signed in as {question.current}
        </button>
        <button
          type="button"
          className="button button--primary"
          onClick={() => switchSession(question.token)}
        >
          Switch to {question.offered}
        </button>
      </div>
    </section>
  );
}
