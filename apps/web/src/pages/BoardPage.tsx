import { useEffect, useMemo, useState } from 'react';
import { DEFAULT_BOARD_ID } from '@liveline/protocol';
import { useBoard } from '@liveline/ws-client/react';
import { BoardColumn } from '../components/BoardColumn';
import { PresenceList } from '../components/PresenceList';
import { newId } from '../lib/newId';
import { useRouterStore } from '../stores/routerStore';

const NAME_KEY = 'liveline.name';

/** The agent Kanban board: columns and cards, drag and drop, live updates, who is here. */
export function BoardPage() {
  const boardId = useRouterStore((s) => s.query.get('board')) ?? DEFAULT_BOARD_ID;
  const { board, clientId, presence, apply, channel } = useBoard(boardId);
  const [name, setLocalName] = useState(() => localStorage.getItem(NAME_KEY) ?? '');
  const cards = useMemo(() => new Map(board?.cards.map((c) => [c.id, c]) ?? []), [board?.cards]);

  useEffect(() => {
    const trimmed = name.trim();
    if (!trimmed) return;
    localStorage.setItem(NAME_KEY, trimmed);
    // Only the newest name matters while offline (rule B3).
    channel.send({ type: 'presence.update', name: trimmed }, { key: 'presence' });
  }, [name, channel]);

  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1>Board</h1>
          <p className="page__lead">
            Board <span className="mono">{boardId}</span>: changes appear on every screen as they
            happen.
          </p>
        </div>
        <div className="toolbar">
          <label className="field">
            <span className="field__label">Your name</span>
            <input
              value={name}
              onChange={(e) => setLocalName(e.target.value)}
              placeholder="Anonymous"
              maxLength={100}
            />
          </label>
          {board && <PresenceList presence={presence} self={clientId} />}
        </div>
      </header>
      {board ? (
        <div className="board">
          {board.columns.map((column) => (
            <BoardColumn
              key={column.id}
              column={column}
              columns={board.columns}
              cards={cards}
              onCreate={(d) => {
                const cardId = newId('card');
                apply({
                  type: 'card.create',
                  card_id: cardId,
                  column_id: column.id,
                  title: d.title,
                  description: d.description,
                });
                if (d.assignee)
                  apply({ type: 'card.update', card_id: cardId, assignee: d.assignee });
              }}
              onEdit={(cardId, d) => apply({ type: 'card.update', card_id: cardId, ...d })}
              onMove={(cardId, columnId, index) =>
                apply({ type: 'card.move', card_id: cardId, column_id: columnId, index })
              }
              onDelete={(cardId) => apply({ type: 'card.delete', card_id: cardId })}
            />
          ))}
        </div>
      ) : (
        <p className="empty">Loading the board…</p>
      )}
    </div>
  );
}
