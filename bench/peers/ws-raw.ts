/** ws-raw: `ws.send` of one string per broadcast to each socket (see startWsPeer). */
import { startWsPeer } from './startWsPeer.js';

startWsPeer('send');
