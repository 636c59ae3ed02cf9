import type { CardOp } from './applyPendingOps';

const DOING: Readonly<Record<CardOp['type'], string>> = {
  'card.create': 'Adding',
  'card.update': 'Saving',
  'card.move': 'Moving',
  'card.delete': 'Deleting',
};

/** What `op` does to the card titled `title`, e.g. `Moving “Cut teaser”`. */
export function describeCardOp(op: CardOp, title: string): string {
  return `${DOING[op.type]} “${title}”`;
}
