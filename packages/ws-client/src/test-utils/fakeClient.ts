import { createClient, type ClientOptions } from '../core/createClient.js';
import { createFakeEnvironment } from './fakeEnvironment.js';

/** A client on a fake environment whose `random()` is 0 (the shortest backoffs), and its sockets. */
export const createFakeClient = (options: Partial<ClientOptions> = {}) => {
  const fake = createFakeEnvironment(() => 0);
  const client = createClient({ origin: 'http://h:1', environment: fake.env, ...options });
  return { ...fake, client };
};
