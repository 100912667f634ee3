import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ApiProvider } from './lib/api-context';
import { connect } from './lib/transport';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider value={connect()}>
      <App />
    </ApiProvider>
  </StrictMode>,
);
