/** The editable fields of a board card. */
export interface CardDraft {
  readonly title: string;
  readonly description: string;
  readonly assignee: string | null;
}

const TITLE_MAX = 200;
const DESCRIPTION_MAX = 5000;
const ASSIGNEE_MAX = 100;

/** Returns what is wrong with a card draft, or null when it can be sent. */
export function validateCard(draft: CardDraft): string | null {
  if (!draft.title.trim()) return 'A card needs a title.';
  if (draft.title.trim().length > TITLE_MAX) return `Keep the title under ${TITLE_MAX} characters.`;
  if (draft.description.length > DESCRIPTION_MAX)
    return `Keep the description under ${DESCRIPTION_MAX} characters.`;
  if ((draft.assignee ?? '').length > ASSIGNEE_MAX)
    return `Keep the assignee under ${ASSIGNEE_MAX} characters.`;
  return null;
}
