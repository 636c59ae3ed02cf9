import type { TestClient } from './index.js';

/** Sends a board `card.create` whose op id and card id are `id`, into the backlog. */
export const createCard = (client: TestClient, id: string, title = id): void =>
  client.send({ type: 'card.create', op_id: id, card_id: id, column_id: 'backlog', title });
