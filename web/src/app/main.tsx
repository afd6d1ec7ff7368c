import { boot } from '../shared/boot';
import { App } from './App';

boot(() => <App />);
