/** ws-frame, the practical Node ceiling: one frame per broadcast, the same bytes to every socket (see startWsPeer). */
import { startWsPeer } from './startWsPeer.js';

startWsPeer('frame');
