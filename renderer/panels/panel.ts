// What a panel declares to be opened from the toolbar and mounted by the
// window (renderer/panels/index.ts lists them; App.tsx and Toolbar.tsx read
// the list and never name a panel).
import type { ComponentType } from 'react';
import type { AppActions, AppState } from '../store';

export interface PanelDef {
  /** the store's `panel` value while it is open */
  id: string;
  /** the toolbar button's text and tooltip */
  label: string;
  title: string;
  /** side: a drawer beside the packet list (capture view only); modal: over the window */
  placement: 'side' | 'modal';
  component: ComponentType;
  /** a count shown on the toolbar button (e.g. alerts) */
  badge?(s: AppState): number | undefined;
  /** when it opens: fetch what it shows */
  onOpen?(s: AppState & AppActions): void;
}
