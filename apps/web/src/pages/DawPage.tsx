import { useEffect, useId, useRef, useState } from 'react';
import { BPM_MAX, BPM_MIN } from '@liveline/protocol';
import { useChannel, useConnection, useTransport } from '@liveline/ws-client/react';
import { FormError } from '../components/FormError';
import { RefusalAlert } from '../components/RefusalAlert';
import { SecondsField } from '../components/SecondsField';
import { Timeline } from '../components/Timeline';
import { ViewOnlyChip } from '../components/ViewOnlyChip';
import { useTransportCommands } from '../hooks/useTransportCommands';
import { describeCommand } from '../lib/describeCommand';
import { playingAfter } from '../lib/playingAfter';
import { sessionAllows } from '../lib/session';
import { useSessionStore } from '../stores/sessionStore';

const BARS = 16;
const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName));

/** The DAW transport: play/pause/stop/resume, seek by clicking the timeline, tempo, loop; space = play/pause. */
export function DawPage() {
  const { state: anchor, connection } = useTransport();
  // The state shown is the clock's last tick: while its socket is down it may be out of date.
  const { pending, refusal, dismissRefusal, send, clockOpen } = useTransportCommands();
  // Open but unheard: the server hangs; closed: the client is already reconnecting.
  const clockSocketOpen = useConnection(useChannel('clock')).status === 'open';
  // Takes the focus once the refusal is dismissed: the controls the command came from.
  const transportRef = useRef<HTMLElement>(null);
  const control = useSessionStore((s) => sessionAllows(s.session, 'transport', '*', 'control'));
  // The buttons and Space act on the state the commands not yet confirmed will bring.
  const playing = playingAfter(
    pending.map((p) => p.command),
    anchor?.playing ?? false,
  );
  const play = () => send({ type: 'play' });
  const pause = () => send({ type: 'pause' });
  const resume = () => send({ type: 'resume' });
  const stop = () => send({ type: 'stop' });
  const seek = (seconds: number) => send({ type: 'seek', time_seconds: seconds }, 'seek');
  const bpm = anchor?.bpm ?? 120;
  // The field shows the tempo a command not yet confirmed will set, not the one it replaces.
  const bpmAfter = pending.reduce(
    (now, { command }) => (command.type === 'tempo' ? command.bpm : now),
    bpm,
  );
  // What the user is typing; null shows the tempo.
  const [tempoDraft, setTempoDraft] = useState<string | null>(null);
  // Why the tempo typed was not sent; the range is the protocol's (PROTOCOL.md C4).
  const [tempoError, setTempoError] = useState<string | null>(null);
  const tempoErrorId = useId();
  // Loop bounds being edited; null shows the transport's own.
  const [loopStartDraft, setLoopStartDraft] = useState<string | null>(null);
  const [loopEndDraft, setLoopEndDraft] = useState<string | null>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.code !== 'Space' || typing(event.target) || !control) return;
      event.preventDefault();
      if (playing) pause();
      else if (anchor && anchor.time_seconds > 0) resume();
      else play();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const applyTempo = () => {
    if (tempoDraft === null) return;
    const value = Number(tempoDraft);
    // The typed value stays, so it can be corrected rather than silently replaced.
    if (tempoDraft.trim() === '' || !(value >= BPM_MIN && value <= BPM_MAX)) {
      setTempoError(`Tempo must be a number from ${BPM_MIN} to ${BPM_MAX} BPM.`);
      return;
    }
    setTempoError(null);
    send({ type: 'tempo', bpm: value }, 'tempo');
    setTempoDraft(null);
  };
  const loopEnabled = anchor?.loop_enabled ?? false;
  // The fields show the bounds a loop command not yet confirmed will set, as the tempo's does.
  const loopAfter = pending.reduce(
    (now, { command }) =>
      command.type === 'loop'
        ? { start: command.start_seconds ?? now.start, end: command.end_seconds ?? now.end }
        : now,
    { start: anchor?.loop_start_seconds ?? 0, end: anchor?.loop_end_seconds ?? 8 },
  );
  const loopStart = loopStartDraft ?? String(loopAfter.start);
  const loopEnd = loopEndDraft ?? String(loopAfter.end);
  // Turning the loop off leaves its bounds alone: they may be someone else's.
  const setLoop = (enabled: boolean) => {
    send(
      enabled
        ? {
            type: 'loop',
            enabled,
            start_seconds: Number(loopStart) || 0,
            end_seconds: Number(loopEnd) || 0,
          }
        : { type: 'loop', enabled },
    );
    setLoopStartDraft(null);
    setLoopEndDraft(null);
  };
  // Bounds edited while the loop plays apply when the field is left; otherwise once it is on.
  const applyLoopBounds = () => {
    if (loopEnabled && (loopStartDraft !== null || loopEndDraft !== null)) setLoop(true);
  };

  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1>DAW</h1>
          <p className="page__lead">
            Shared transport: every open tab plays in step. <span className="kbd">Space</span> plays
            and pauses.
          </p>
        </div>
        {!control && <ViewOnlyChip />}
      </header>
      <section ref={transportRef} tabIndex={-1} className="panel" aria-label="Transport">
        <fieldset className="transport" disabled={!control}>
          <div className="transport__buttons" role="group" aria-label="Transport controls">
            <button type="button" className={`button${playing ? ' is-active' : ''}`} onClick={play}>
              <span aria-hidden="true">▶</span> Play
            </button>
            <button type="button" className="button" onClick={pause} disabled={!playing}>
              <span aria-hidden="true">❚❚</span> Pause
            </button>
            <button type="button" className="button" onClick={resume} disabled={playing}>
              <span aria-hidden="true">▷</span> Resume
            </button>
            <button type="button" className="button" onClick={stop}>
              <span aria-hidden="true">■</span> Stop
            </button>
          </div>
          <label className="field">
            <span className="field__label">Tempo (BPM)</span>
            <input
              type="number"
              min={BPM_MIN}
              max={BPM_MAX}
              value={tempoDraft ?? String(bpmAfter)}
              onChange={(e) => setTempoDraft(e.target.value)}
              onBlur={applyTempo}
              onKeyDown={(e) => e.key === 'Enter' && applyTempo()}
              aria-invalid={tempoError !== null}
              aria-describedby={tempoError ? tempoErrorId : undefined}
            />
          </label>
          <FormError id={tempoErrorId} error={tempoError} />
          <div className="transport__loop">
            <label className="check">
              <input
                type="checkbox"
                checked={loopEnabled}
                onChange={(e) => setLoop(e.target.checked)}
              />
              Loop
            </label>
            <SecondsField
              label="Loop start (s)"
              value={loopStart}
              onChange={setLoopStartDraft}
              onCommit={applyLoopBounds}
            />
            <SecondsField
              label="Loop end (s)"
              value={loopEnd}
              onChange={setLoopEndDraft}
              onCommit={applyLoopBounds}
            />
          </div>
        </fieldset>
        <Timeline
          bpm={bpm}
          bars={BARS}
          loop={
            anchor
              ? {
                  enabled: anchor.loop_enabled,
                  start: anchor.loop_start_seconds,
                  end: anchor.loop_end_seconds,
                }
              : null
          }
          onSeek={control ? seek : null}
          stale={!clockOpen}
        />
        {/* Not atomic: a command pressed adds its own item, and only that item is announced,
            not the whole list again. */}
        <div className="muted transport__status" role="status" aria-atomic="false">
          {pending.length > 0 ? (
            <>
              {connection.status === 'open' ? 'Sending: ' : 'Waiting to send: '}
              <ul className="transport__pending">
                {pending.map(({ opId, command }) => {
                  const { name, effect } = describeCommand(command);
                  return <li key={opId}>{`${name} (${effect})`}</li>;
                })}
              </ul>
            </>
          ) : anchor && !clockOpen ? (
            `${anchor.playing ? 'Playing' : 'Stopped'} at ${bpm} BPM when the transport clock was last heard; ${clockSocketOpen ? 'no answer from the server' : 'reconnecting…'}`
          ) : anchor?.playing ? (
            `Playing at ${bpm} BPM`
          ) : anchor ? (
            `Stopped at ${bpm} BPM`
          ) : (
            'Waiting for the transport clock…'
          )}
        </div>
        <RefusalAlert
          refusals={refusal ? [refusal] : []}
          onDismiss={dismissRefusal}
          afterLast={() => transportRef.current?.focus()}
        />
      </section>
    </div>
  );
}
