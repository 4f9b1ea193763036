// React access to the app store and the engine API.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { XdpscopeApi } from '../main/api/types';
import type { AppState, AppActions, AppStore } from './store';

export const AppContext = createContext<{ store: AppStore; api: XdpscopeApi } | null>(null);

export function useApp(): { store: AppStore; api: XdpscopeApi } {
  const v = useContext(AppContext);
  if (!v) throw new Error('AppContext missing');
  return v;
}

export function useApp$<T>(sel: (s: AppState & AppActions) => T): T {
  return useStore(useApp().store, sel);
}
