import type { ComponentType } from 'react';
import { AgentMonitorPage } from './AgentMonitorPage';
import { BoardPage } from './BoardPage';
import { DawPage } from './DawPage';
import { Idea2VideoPage } from './Idea2VideoPage';

/** A page of the app with its path and nav title. */
export interface PageEntry {
  readonly path: string;
  readonly title: string;
  readonly Page: ComponentType;
}

/** Every page, in nav order. */
export const PAGES: readonly PageEntry[] = [
  { path: '/idea2video', title: 'Idea2Video', Page: Idea2VideoPage },
  { path: '/agents', title: 'Agent Monitor', Page: AgentMonitorPage },
  { path: '/daw', title: 'DAW', Page: DawPage },
  { path: '/board', title: 'Board', Page: BoardPage },
];
