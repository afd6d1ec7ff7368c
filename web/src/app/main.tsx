import { boot } from '../shared/boot';
import { App } from './App';

boot(
  (config) => config.userPool,
  () => <App />,
);
