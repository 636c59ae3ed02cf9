import { useRef, useState } from 'react';
import type { Card, Column } from '@liveline/protocol';
import type { CardDraft } from '../lib/validateCard';
import { CardForm } from './CardForm';

/** Props of {@link BoardCard}. */
export interface BoardCardProps {
  readonly card: Card;
  readonly columns: readonly Column[];
  readonly draggable: boolean;
  /** What the mark on a change the server has not acknowledged says, or null for a saved card. */
  readonly pending: string | null;
  readonly onEdit: (draft: CardDraft) => void;
  readonly onMove: (columnId: string) => void;
  readonly onDelete: () => void;
}

/**
 * The card moved with its Move select: drawn anew in its new column, its select there takes the
 * focus back, so a keyboard user is not sent to the top of the page.
 */
let movedBySelect: string | null = null;

/** A draggable card with edit, move (for keyboards) and delete; muted and marked while pending. */
export function BoardCard({
  card,
  columns,
  draggable,
  pending,
  onEdit,
  onMove,
  onDelete,
}: BoardCardProps) {
  const [editing, setEditing] = useState(false);
  const [dragging, setDragging] = useState(false);
  // Set when the form closes, so the Edit button takes the focus back once it is shown again.
  const refocus = useRef(false);
  const closeForm = () => {
    refocus.current = true;
    setEditing(false);
  };
  if (editing)
    return (
      <li>
        <CardForm
          initial={card}
          submitLabel="Save card"
          onSubmit={(draft) => {
            onEdit(draft);
            closeForm();
          }}
          onCancel={closeForm}
        />
      </li>
    );
  return (
    <li
      className={`card${dragging ? ' is-dragging' : ''}${pending ? ' is-pending' : ''}`}
      draggable={draggable}
      data-card-id={card.id}
      aria-label={`Card ${card.title}`}
      onDragStart={(e) => {
        e.dataTransfer.setData('text/plain', card.id);
        e.dataTransfer.effectAllowed = 'move';
        setDragging(true);
      }}
      onDragEnd={() => setDragging(false)}
    >
      <span className="card__title">{card.title}</span>
      {pending && <span className="card__pending">{pending}</span>}
      {card.description && <span className="card__description">{card.description}</span>}
      <div className="card__footer">
        {card.assignee && <span className="badge">@{card.assignee}</span>}
        <button
          ref={(button) => {
            if (!button || !refocus.current) return;
            refocus.current = false;
            button.focus();
          }}
          type="button"
          className="button button--small button--ghost"
          onClick={() => setEditing(true)}
          aria-label={`Edit ${card.title}`}
        >
          Edit
        </button>
        <button
          type="button"
          className="button button--small button--ghost"
          onClick={onDelete}
          aria-label={`Delete ${card.title}`}
        >
          Delete
        </button>
        <select
          ref={(select) => {
            if (!select || movedBySelect !== card.id) return;
            movedBySelect = null;
            select.focus();
          }}
          aria-label={`Move ${card.title} to`}
          value={card.column_id}
          onChange={(e) => {
            movedBySelect = card.id;
            onMove(e.target.value);
          }}
        >
          {columns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
      </div>
    </li>
  );
}
