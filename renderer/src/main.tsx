import '@mantine/core/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createStudioClient } from './api/studio-client';
import { App } from './app';

const client = createStudioClient();
const theme = createTheme({ primaryColor: 'indigo' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <App client={client} />
    </MantineProvider>
  </StrictMode>,
);
