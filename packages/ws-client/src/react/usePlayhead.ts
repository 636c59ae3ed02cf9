import { useEffect, useRef, type RefObject } from 'react';
import { useClockSync } from './useClockSync.js';

/** Places the playhead element at `seconds`. */
export type PlacePlayhead = (element: HTMLElement, seconds: number) => void;

const PIXELS_PER_SECOND = 100;
const translate: PlacePlayhead = (element, seconds) => {
  element.style.transform = `translateX(${seconds * PIXELS_PER_SECOND}px)`;
};

/**
 * Moves `ref`'s element every animation frame to the extrapolated playhead, writing the DOM
 * directly so React never re-renders per frame.
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
    let frame = 0;
    const step = () => {
      const seconds = sync.position();
      if (seconds !== null && ref.current) placeRef.current(ref.current, seconds);
      frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => {
      cancelAnimationFrame(frame);
      release();
    };
  }, [sync, ref]);
}
