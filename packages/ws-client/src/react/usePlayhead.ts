import { useEffect, useRef, type RefObject } from 'react';
import { easePlayhead } from '../core/easePlayhead.js';
import { useClockSync } from './useClockSync.js';

/** Places the playhead element at `seconds`. */
export type PlacePlayhead = (element: HTMLElement, seconds: number) => void;

const PIXELS_PER_SECOND = 100;
const translate: PlacePlayhead = (element, seconds) => {
  element.style.transform = `translateX(${seconds * PIXELS_PER_SECOND}px)`;
};

/**
 * Moves `ref`'s element every animation frame to the playhead, eased toward the extrapolated
 * clock position ({@link easePlayhead}), writing the DOM directly so React never re-renders per
 * frame and allocating nothing per frame.
 * @param place how to place it. @default translateX at 100 px per second
 */
export function usePlayhead(
  ref: RefObject<HTMLElement | null>,
  place: PlacePlayhead = translate,
): void {
  const sync = useClockSync();
  const placeRef = useRef(place);
  useEffect(() => {
    placeRef.current = place;
  });
  useEffect(() => {
    const release = sync.subscribe(() => {});
    let shown: number | null = null;
    let last = 0;
    let frame = 0;
    const step = (now: number) => {
      const target = sync.position();
      if (target !== null && ref.current) {
        // The first frame has no `last`: easePlayhead starts at the target without using it.
        shown = easePlayhead(shown, target, (now - last) / 1000, !!sync.getState().anchor?.playing);
        placeRef.current(ref.current, shown);
      }
      last = now;
      frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => {
      cancelAnimationFrame(frame);
      release();
    };
  }, [sync, ref]);
}
