import { createContext } from 'react';
import type { Client } from '../core/createClient.js';

/** The client hooks read; provided by {@link LivelineProvider}. */
export const LivelineContext = createContext<Client | null>(null);
