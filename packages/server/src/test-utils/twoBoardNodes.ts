import type { LivelineParts } from '../compose/resolveParts.js';
import type { ClusterEngines } from './engines/useClusterEngines.js';
import { connectTestClient, startTestServer, wsOrigin } from './index.js';

/**
 * Two nodes on a fresh database and the shared Redis of `engines`, each with a client on board
 * `board`; node A with the parts `partsOfA` makes on that database.
 */
export const twoBoardNodes = async (
  engines: ClusterEngines,
  board: string,
  partsOfA: (databaseUrl: string) => LivelineParts = () => ({}),
) => {
  const cluster = await engines.freshCluster();
  const a = await startTestServer({
    ...cluster,
    nodeId: 'node-a',
    ...partsOfA(cluster.databaseUrl),
  });
  const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
  const onA = await connectTestClient(wsOrigin(a, `/ws/connect?board_id=${board}`));
  const onB = await connectTestClient(wsOrigin(b, `/ws/connect?board_id=${board}`));
  await onA.next('snapshot');
  await onB.next('snapshot');
  return { a, b, onA, onB };
};
