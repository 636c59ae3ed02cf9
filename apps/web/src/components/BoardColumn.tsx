import { useRef, useState, type DragEvent } from 'react';
import type { Card, Column } from '@liveline/protocol';
import { BoardCard } from './BoardCard';
import type { CardDraft } from '../lib/validateCard';
import { CardForm } from './CardForm';

/** Props of {@link BoardColumn}. */
export interface BoardColumnProps {
  readonly column: Column;
  readonly columns: readonly Column[];
  readonly cards: ReadonlyMap<string, Card>;
  /** False for a view-only token: no drag and drop (buttons are disabled by the board). */
  readonly editable: boolean;
  /** Cards with a change the server has not acknowledged yet. */
  readonly pendingCards: ReadonlySet<string>;
  /** The mark those cards carry, e.g. "Waiting to send". */
  readonly pendingLabel: string;
  readonly onCreate: (draft: CardDraft) => void;
  readonly onEdit: (cardId: string, draft: CardDraft) => void;
  readonly onMove: (cardId: string, columnId: string, index: number) => void;
  readonly onDelete: (cardId: string) => void;
}

/** Where a drop lands: the index among the column's other cards, by the pointer's height. */
function dropIndex(event: DragEvent<HTMLElement>, draggedId: string): number {
  const items = [...event.currentTarget.querySelectorAll<HTMLElement>('[data-card-id]')].filter(
    (el) => el.dataset.cardId !== draggedId,
  );
  const below = items.findIndex((el) => {
    const box = el.getBoundingClientRect();
    return event.clientY < box.top + box.height / 2;
  });
  return below === -1 ? items.length : below;
}

/** A column: its cards, a drop zone for dragged cards, and an "Add card" form. */
export function BoardColumn({
  column,
  columns,
  cards,
  editable,
  pendingCards,
  pendingLabel,
  onCreate,
  onEdit,
  onMove,
  onDelete,
}: BoardColumnProps) {
  const [adding, setAdding] = useState(false);
  const [over, setOver] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  // The form held the focus; without this a keyboard user is sent back to the top of the page.
  const closeForm = () => {
    setAdding(false);
    addButton.current?.focus();
  };
  const list = column.card_ids.flatMap((id) => cards.get(id) ?? []);
  return (
    <section
      className={`column${over ? ' is-drop-target' : ''}`}
      aria-label={`Column ${column.title}`}
      data-column-id={column.id}
      onDragOver={(e) => {
        if (!editable) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        setOver(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const id = e.dataTransfer.getData('text/plain');
        if (id) onMove(id, column.id, dropIndex(e, id));
      }}
    >
      <header className="column__header">
        <h2>
          {column.title} <span className="muted">{list.length}</span>
        </h2>
        <button
          ref={addButton}
          type="button"
          className="button button--small"
          onClick={() => setAdding(true)}
          aria-label={`Add card to ${column.title}`}
        >
          + Add
        </button>
      </header>
      <ul className="column__cards">
        {list.map((card) => (
          <BoardCard
            key={card.id}
            card={card}
            columns={columns}
            draggable={editable}
            pending={pendingCards.has(card.id) ? pendingLabel : null}
            onEdit={(draft) => onEdit(card.id, draft)}
            onMove={(to) =>
              onMove(
                card.id,
                to,
                to === column.id
                  ? list.indexOf(card)
                  : (columns.find((c) => c.id === to)?.card_ids.length ?? 0),
              )
            }
            onDelete={() => onDelete(card.id)}
          />
        ))}
      </ul>
      {adding && (
        <CardForm
          submitLabel="Add card"
          onSubmit={(draft) => {
            onCreate(draft);
            closeForm();
          }}
          onCancel={closeForm}
        />
      )}
    </section>
  );
}
