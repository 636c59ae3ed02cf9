import { MAX_WORKFLOW_INPUT_CHARS, type CreateWorkflowRequest } from '@liveline/protocol';

type Mode = CreateWorkflowRequest['mode'];

const TITLE_MAX = 200;

/** Returns what is wrong with the form's values, or null when they can be sent. */
export function validateRun(mode: Mode, input: string, title: string): string | null {
  const text = input.trim();
  if (!text) return mode === 'idea' ? 'Describe your idea first.' : 'Paste a script first.';
  if (text.length > MAX_WORKFLOW_INPUT_CHARS)
    return `Keep it under ${MAX_WORKFLOW_INPUT_CHARS.toLocaleString('en')} characters (now ${text.length.toLocaleString('en')}).`;
  if (mode === 'idea' && text.length < 10)
    return 'Give the idea a little more to work with (10 characters or more).';
  if (title.trim().length > TITLE_MAX) return `Keep the title under ${TITLE_MAX} characters.`;
  return null;
}
