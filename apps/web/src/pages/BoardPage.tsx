import { useEffect, useMemo, useRef, useState } from 'react';
import { DEFAULT_BOARD_ID } from '@liveline/protocol';
import { useBoard } from '@liveline/ws-client/react';
import { BoardColumn } from '../components/BoardColumn';
import { PresenceList } from '../components/PresenceList';
import { RefusalAlert } from '../components/RefusalAlert';
import { ViewOnlyChip } from '../components/ViewOnlyChip';
import { useNow } from '../hooks/useNow';
import { applyPendingOps } from '../lib/applyPendingOps';
import { describeCardOp } from '../lib/describeCardOp';
import { keepAskingAboutDoubts } from '../lib/keepAskingAboutDoubts';
import { newId } from '../lib/newId';
import { isSignedOut } from '../lib/routeConnection';
import { sendCardOp, type CardOpInput } from '../lib/sendCardOp';
import { sessionAllows } from '../lib/session';
import { usePendingOpsStore } from '../stores/pendingOpsStore';
import { useRouterStore } from '../stores/routerStore';
import { useSessionStore } from '../stores/sessionStore';

const NAME_KEY = 'liveline.name';
/**
 * How long the oldest change sent may go unanswered before the page says so: a hung server keeps
 * its socket open until the 25 s heartbeat timeout (H2), and an answer takes milliseconds.
 */
const NO_ANSWER_AFTER_MS = 3000;

/** The agent Kanban board: columns and cards, drag and drop, live updates, who is here. */
export function BoardPage() {
  const boardId = useRouterStore((s) => s.query.get('board')) ?? DEFAULT_BOARD_ID;
  const { board: saved, clientId, presence, channel, connection } = useBoard(boardId);
  const session = useSessionStore((s) => s.session);
  const mayWrite = sessionAllows(session, 'board', boardId, 'write');
  // The token expired or was refused (PROTOCOL.md A10): nothing changed here could be sent, and
  // changes piled up would only wait for a link that may be someone else's.
  const signedOut = isSignedOut(connection);
  const editable = mayWrite && !signedOut;
  const [name, setLocalName] = useState(() => localStorage.getItem(NAME_KEY) ?? '');
  const allPending = usePendingOpsStore((s) => s.pending);
  const allRefused = usePendingOpsStore((s) => s.refused);
  const dismiss = usePendingOpsStore((s) => s.dismiss);
  // Takes the focus once the last refusal is dismissed: the board the changes were about.
  const boardRef = useRef<HTMLFieldSetElement>(null);
  // The user's own changes show at once, over the server's board, until the server answers them.
  const pending = useMemo(
    () => allPending.filter((p) => p.boardId === boardId),
    [allPending, boardId],
  );
  const shown = useMemo(() => saved && applyPendingOps(saved, pending), [saved, pending]);
  const board = shown?.board ?? null;
  const cards = useMemo(() => new Map(board?.cards.map((c) => [c.id, c]) ?? []), [board?.cards]);
  const refused = allRefused.filter((r) => r.boardId === boardId);
  const doubts = refused.filter((r) => r.doubt).length;
  const send = (
    op: CardOpInput,
    title = op.type === 'card.create' ? op.title : (cards.get(op.card_id)?.title ?? op.card_id),
  ) => sendCardOp(channel, boardId, op, title);
  const open = connection.status === 'open';
  // Changes made before this socket opened were sent when it did.
  const [openedAt, setOpenedAt] = useState(0);
  useEffect(() => {
    let wasOpen = channel.getState().status === 'open';
    return channel.subscribe(() => {
      const isOpen = channel.getState().status === 'open';
      if (isOpen && !wasOpen) setOpenedAt(Date.now());
      wasOpen = isOpen;
    });
  }, [channel]);
  const now = useNow(open && pending.length > 0);
  const waitedMs = now - Math.max(openedAt, Math.min(...pending.map((p) => p.at)));
  const pendingLabel = !open
    ? 'Waiting to send'
    : waitedMs >= NO_ANSWER_AFTER_MS
      ? `Sending… no answer for ${Math.floor(waitedMs / 1000)} s`
      : 'Sending…';
  // 4403 (CloseCode.Forbidden): the token does not reach this board (PROTOCOL.md A7).
  const forbidden = connection.status === 'closed' && connection.lastClose?.code === 4403;

  // Whenever the board is reachable (again, or after a reload), the server can say what became of
  // changes that may not have been saved, also after a resume that ended in a snapshot; one given
  // up on while this socket was open is asked again once a later one is (lib/askAboutDoubts.ts).
  // A question the server could not answer is asked again while this socket stays open.
  useEffect(() => {
    if (!open) return;
    const left = new AbortController();
    void keepAskingAboutDoubts(boardId, left.signal);
    return () => left.abort();
  }, [open, boardId, doubts]);

  useEffect(() => {
    const trimmed = name.trim();
    // With a token the server names everyone from it (PROTOCOL.md B3).
    if (!trimmed || session) return;
    localStorage.setItem(NAME_KEY, trimmed);
    // Every connection starts as a guest on the server, so the name goes again with each opening;
    // only the newest name matters (rule B3).
    if (open) channel.send({ type: 'presence.update', name: trimmed }, { key: 'presence' });
  }, [name, channel, session, open]);

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
          {!mayWrite && <ViewOnlyChip />}
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
      {/* Also while the board loads: after a reload the user learns of them before it can. */}
      <RefusalAlert
        refusals={refused}
        onDismiss={dismiss}
        afterLast={() => boardRef.current?.focus()}
      />
      {/* Without a session the header already says an invite link is needed. */}
      {signedOut && session && (
        <div className="callout" role="status">
          <strong>Read only: signed out.</strong> Your access token expired or is no longer
          accepted, so changes could not be sent. Open a new invite link to edit the board again.
        </div>
      )}
      {forbidden ? (
        <div className="callout" role="alert">
          <strong>No access to board {boardId}.</strong> Your token does not include it: ask for an
          invite link with <code>board:{boardId}:read</code> (or <code>:write</code> to edit).
        </div>
      ) : board ? (
        <>
          <fieldset
            ref={boardRef}
            tabIndex={-1}
            className="board"
            disabled={!editable}
            aria-label={`Board ${boardId}`}
          >
            {board.columns.map((column) => (
              <BoardColumn
                key={column.id}
                column={column}
                columns={board.columns}
                cards={cards}
                editable={editable}
                pendingCards={shown?.pendingCards ?? new Set()}
                pendingLabel={pendingLabel}
                onCreate={(d) => {
                  const cardId = newId('card');
                  send({
                    type: 'card.create',
                    card_id: cardId,
                    column_id: column.id,
                    title: d.title,
                    description: d.description,
                  });
                  if (d.assignee)
                    send({ type: 'card.update', card_id: cardId, assignee: d.assignee }, d.title);
                }}
                onEdit={(cardId, d) => send({ type: 'card.update', card_id: cardId, ...d })}
                onMove={(cardId, columnId, index) =>
                  send({ type: 'card.move', card_id: cardId, column_id: columnId, index })
                }
                onDelete={(cardId) => send({ type: 'card.delete', card_id: cardId })}
              />
            ))}
          </fieldset>
        </>
      ) : (
        <>
          {!signedOut && <p className="empty">Loading the board…</p>}
          {/* Changes kept from before a reload are there before the board is. */}
          {pending.length > 0 && (
            <ul className="pending-changes" aria-label="Your changes not saved yet">
              {pending.map(({ op, title }) => (
                <li key={op.op_id}>
                  {describeCardOp(op, title)}: {pendingLabel}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
