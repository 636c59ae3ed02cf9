import { useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { usePlayhead } from '@liveline/ws-client/react';
import { BEATS_PER_BAR, formatPosition, secondsPerBar, seekByKey } from '../lib/musicalTime';

/** Props of {@link Timeline}. */
export interface TimelineProps {
  readonly bpm: number;
  readonly bars: number;
  readonly loop: { readonly enabled: boolean; readonly start: number; readonly end: number } | null;
  /** Seeks to a position; null when the token may not control the transport. */
  readonly onSeek: ((seconds: number) => void) | null;
  /** The clock is not heard: the playhead stays where it was, greyed, instead of guessing on. */
  readonly stale: boolean;
}

const CLIPS = [
  { track: 0, start: 0, length: 4 },
  { track: 0, start: 6, length: 6 },
  { track: 1, start: 2, length: 8 },
  { track: 2, start: 8, length: 8 },
];

/**
 * Bars and beats, the loop range, and a playhead moved every frame without React renders. The
 * view shows `bars` bars at a time and pages forward with the playhead, as a DAW's does, so the
 * bar under the playhead is the readout's. The timeline is a slider: a click seeks within the
 * view, and so do the arrow, Page Up/Down, Home and End keys.
 */
export function Timeline({ bpm, bars, loop, onSeek, stale }: TimelineProps) {
  const trackRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLDivElement>(null);
  const readoutRef = useRef<HTMLOutputElement>(null);
  // Where the playhead is, for the keys to step from.
  const shownRef = useRef(0);
  const total = secondsPerBar(bpm) * bars;
  // Which `bars` bars the view shows: the page renders once per page turned, not per frame.
  const [page, setPage] = useState(0);
  const start = page * total;

  // Runs every animation frame outside React; the page renders nothing per frame.
  usePlayhead(headRef, (head, seconds) => {
    const track = trackRef.current;
    if (!track || stale) return;
    shownRef.current = seconds;
    const turned = Math.floor(seconds / total);
    if (turned !== page) setPage(turned);
    const x = ((seconds - turned * total) / total) * track.clientWidth;
    head.style.transform = `translateX(${x.toFixed(2)}px)`;
    head.dataset.seconds = seconds.toFixed(4);
    const { bars: where, clock } = formatPosition(seconds, bpm);
    const readout = readoutRef.current;
    if (readout) readout.textContent = `${where.padStart(5, ' ')}  ${clock}`;
    // The slider's value for assistive technology, touched once a second rather than every frame.
    const now = String(Math.floor(seconds));
    if (track.getAttribute('aria-valuenow') !== now) {
      track.setAttribute('aria-valuenow', now);
      track.setAttribute('aria-valuetext', `bar ${where}, ${clock.slice(0, -4)}`);
    }
  });

  const seek = (event: MouseEvent<HTMLDivElement>) => {
    if (!onSeek) return;
    const box = event.currentTarget.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    onSeek(Math.round((start + fraction * total) * 1000) / 1000);
  };

  const seekKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!onSeek) return;
    const to = seekByKey(event.key, shownRef.current, bpm, start + total);
    if (to === null) return;
    event.preventDefault();
    onSeek(to);
  };

  const pct = (seconds: number) => `${((seconds - start) / total) * 100}%`;
  // The part of `from`–`to` (seconds) in the view, or null when none of it is.
  const within = (from: number, to: number) => {
    const left = Math.max(from, start);
    const right = Math.min(to, start + total);
    return right > left ? { left: pct(left), width: `${((right - left) / total) * 100}%` } : null;
  };
  const bar = secondsPerBar(bpm);
  const loopShown = loop?.enabled ? within(loop.start, loop.end) : null;
  return (
    <>
      {/* Rewritten every frame while playing: a live region (an output's default) would be read
          out without end. It is read when the user moves to it. */}
      <output ref={readoutRef} className="transport__readout" aria-label="Position" aria-live="off">
        1.1 0:00.000
      </output>
      <div
        ref={trackRef}
        className="timeline"
        role="slider"
        tabIndex={0}
        aria-label={onSeek ? 'Timeline: click to seek' : 'Timeline'}
        aria-disabled={!onSeek}
        aria-valuemin={0}
        aria-valuemax={Math.round(start + total)}
        onClick={seek}
        onKeyDown={seekKey}
      >
        {Array.from({ length: bars }, (_, b) => (
          <div key={b} className="timeline__bar" style={{ left: pct(start + b * bar) }}>
            <span>{page * bars + b + 1}</span>
          </div>
        ))}
        {Array.from({ length: bars * BEATS_PER_BAR }, (_, i) =>
          i % BEATS_PER_BAR === 0 ? null : (
            <div
              key={`beat-${i}`}
              className="timeline__beat"
              style={{ left: pct(start + (i * bar) / BEATS_PER_BAR) }}
            />
          ),
        )}
        {loopShown && <div className="timeline__loop" style={loopShown} />}
        {CLIPS.map((c, i) => {
          const shown = within(c.start * bar, (c.start + c.length) * bar);
          return (
            shown && (
              <div
                key={i}
                className="timeline__clip"
                style={{ ...shown, top: `${34 + c.track * 34}px` }}
              />
            )
          );
        })}
        <div
          ref={headRef}
          className={`timeline__playhead${stale ? ' is-stale' : ''}`}
          data-testid="playhead"
        />
      </div>
    </>
  );
}
