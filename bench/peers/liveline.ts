/** Liveline with nothing configured: auth off, as `npm start` on loopback (see startLivelinePeer). */
import { startLivelinePeer } from './startLivelinePeer.js';

await startLivelinePeer(null);
