import { boot } from '../shared/boot';
import { AdminApp } from './AdminApp';

boot((config) => <AdminApp config={config} />);
