import { useEffect, useMemo, useState } from 'react';
import { DEFAULT_BOARD_ID } from '@liveline/protocol';
import { useBoard } from '@liveline/ws-client/react';
import { BoardColumn } from '../components/BoardColumn';
import { PresenceList } from '../components/PresenceList';
import { ViewOnlyChip } from '../components/ViewOnlyChip';
import { newId } from '../lib/newId';
import { sessionAllows } from '../lib/session';
import { useRouterStore } from '../stores/routerStore';
import { useSessionStore } from '../stores/sessionStore';

const NAME_KEY = 'liveline.name';

/** The agent Kanban board: columns and cards, drag and drop, live updates, who is here. */
export function BoardPage() {
  const boardId = useRouterStore((s) => s.query.get('board')) ?? DEFAULT_BOARD_ID;
  const { board, clientId, presence, apply, channel, connection } = useBoard(boardId);
  const session = useSessionStore((s) => s.session);
  const editable = sessionAllows(session, 'board', boardId, 'write');
  const [name, setLocalName] = useState(() => localStorage.getItem(NAME_KEY) ?? '');
  const cards = useMemo(() => new Map(board?.cards.map((c) => [c.id, c]) ?? []), [board?.cards]);
  // 4403 (CloseCode.Forbidden): the token does not reach this board (PROTOCOL.md A7).
  const forbidden = connection.status === 'closed' && connection.lastClose?.code === 4403;

  useEffect(() => {
    const trimmed = name.trim();
    // With a token the server names everyone from it (PROTOCOL.md B3).
    if (!trimmed || session) return;
    localStorage.setItem(NAME_KEY, trimmed);
    // Only the newest name matters while offline (rule B3).
    channel.send({ type: 'presence.update', name: trimmed }, { key: 'presence' });
  }, [name, channel, session]);

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
          {!editable && <ViewOnlyChip />}
          {!session && (
            <label className="field">
              <span className="field__label">Your name</span>
              <input
                value={name}
                onChange={(e) => setLocalName(e.target.value)}
                placeholder="Anonymous"
                maxLength={100}
              />
            </label>
          )}
          {board && <PresenceList presence={presence} self={clientId} />}
        </div>
      </header>
      {forbidden ? (
        <div className="callout" role="alert">
          <strong>No access to board {boardId}.</strong> Your token does not include it: ask for an
          invite link with <code>board:{boardId}:read</code> (or <code>:write</code> to edit).
        </div>
      ) : board ? (
        <fieldset className="board" disabled={!editable} aria-label={`Board ${boardId}`}>
          {board.columns.map((column) => (
            <BoardColumn
              key={column.id}
              column={column}
              columns={board.columns}
              cards={cards}
              editable={editable}
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
        </fieldset>
      ) : (
        <p className="empty">Loading the board…</p>
      )}
    </div>
  );
}
