/** Marks a page whose token may read but not change it; its controls are disabled. */
export function ViewOnlyChip() {
  return (
    <span className="chip chip--view-only" title="Your token lets you watch, not change, this">
      View only
    </span>
  );
}
