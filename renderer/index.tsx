// Renderer entry: connect to the engine (Electron preload or WebSocket),
// build the store, mount the app.
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { AppContext } from './context';
import { createAppStore } from './store';
import { connectBrowserApi } from './api';
import './styles.css';

async function main(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  try {
    const api = window.xdpscope ?? (await connectBrowserApi());
    const store = createAppStore(api);
    root.render(
      <AppContext.Provider value={{ store, api }}>
        <App />
      </AppContext.Provider>,
    );
    void store.getState().init();
  } catch (e) {
    root.render(<div className="fatal">xdpscope: {e instanceof Error ? e.message : String(e)}</div>);
  }
}
void main();
